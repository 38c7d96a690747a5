using System.CommandLine;
using System.Globalization;
using FaxGateway.Imaging;
using FaxGateway.Modems.Calls;

namespace FaxGateway.Cli;

/// <summary>
/// <c>faxgw receive --device PATH --out DIR [--rings N] [--class auto|1|2|2.0] [--profile NAME|FILE]</c>: waits for a
/// call, answers after N rings, receives one fax into DIR as a TIFF (MMR) and prints every page's outcome. Exit 0 when
/// at least one page was accepted and the call ended normally, 1 when the call failed, 2 for bad arguments, 3 for
/// modem problems.
/// </summary>
internal static class ReceiveCommand
{
    public static Command Create()
    {
        var lineOptions = new FaxLineOptions();
        var output = new Option<string>("--out") { Description = "Directory for the received TIFF", Required = true };
        var rings = new Option<int>("--rings") { Description = "Answer after this many rings", DefaultValueFactory = _ => 1 };
        var command = new Command("receive", "Wait for a call and receive one fax through a modem")
        {
            lineOptions.Device, output, rings, lineOptions.Class, lineOptions.Profile, lineOptions.Ident,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var directory = parse.GetValue(output)!;
            var ringCount = parse.GetValue(rings);
            if (ringCount < 1)
            {
                error.WriteLine("faxgw receive: --rings must be at least 1");
                return 2;
            }

            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"faxgw receive: cannot use {directory}: {ex.Message}");
                return 2;
            }

            return await lineOptions.RunAsync(
                parse,
                lineOptions.CallOptions(parse),
                error,
                async (line, ct) =>
                {
                    stdout.WriteLine($"waiting for {ringCount} ring(s) on {line.Connection.Name} ({line.Class})");
                    var ring = await line.WaitForRingAsync(ringCount, ct).ConfigureAwait(false);
                    stdout.WriteLine($"answering a call from {ring.CallerId.Number ?? "an unknown number"}");
                    var report = await line.ReceiveAsync(ct).ConfigureAwait(false);
                    FaxCallCli.Print(report, stdout);
                    var accepted = report.ReceivedPages.Where(p => p.Accepted).Select(p => p.Page).ToArray();
                    if (accepted.Length > 0)
                    {
                        var path = Path.Combine(directory, $"fax-{report.Started.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.tif");
                        TiffFax.Write(path, accepted, FaxCodingOptions.Mmr);
                        stdout.WriteLine($"wrote {accepted.Length} page(s) to {path}");
                    }

                    return report.Success ? 0 : 1;
                },
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
