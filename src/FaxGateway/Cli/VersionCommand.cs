using System.CommandLine;
using System.Reflection;

namespace FaxGateway.Cli;

/// <summary><c>faxgw version</c>: prints the product version.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the faxgw version");
        command.SetAction(parse =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            parse.InvocationConfiguration.Output.WriteLine($"faxgw {version}");
            return 0;
        });
        return command;
    }
}
