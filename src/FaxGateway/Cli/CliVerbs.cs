using System.CommandLine;

namespace FaxGateway.Cli;

/// <summary>The verbs of <c>faxgw</c>. One line per verb; the verb's options and action live in its own file.</summary>
internal static class CliVerbs
{
    public static IEnumerable<Command> All()
    {
        // The daemon and its administration.
        yield return RunCommand.Create();
        yield return StatusCommand.Create();
        yield return TraceCommand.Create();
        yield return TokenCommand.Create();
        yield return NumberCommand.Create();
        yield return TwilioCommand.Create();

        // One-shot fax diagnostics, like efax.
        yield return SendCommand.Create();
        yield return ReceiveCommand.Create();
        yield return ModemCommand.Create();
        yield return SimulateCommand.Create();

        // Documents and pages.
        yield return TiffCommand.Create();
        yield return DocCommand.Create();
        yield return VersionCommand.Create();
    }
}
