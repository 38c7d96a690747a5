using System.CommandLine;
using System.Globalization;
using FaxGateway.Imaging;
using FaxGateway.Modems;
using FaxGateway.Modems.Calls;
using FaxGateway.Modems.Probing;
using FaxGateway.Modems.Profiles;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Cli;

/// <summary>
/// <c>faxgw send --device PATH --to NUMBER [--class auto|1|2|2.0] [--ecm on|off] [--profile NAME|FILE] FILE...</c>:
/// one fax call without the queue, like efax. Prints the outcome of every page; exit 0 only when every page was
/// confirmed by the far end, 1 when the call failed, 2 for bad arguments or files, 3 when the modem could not be used.
/// </summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var lineOptions = new FaxLineOptions();
        var to = new Option<string>("--to") { Description = "Number to dial", Required = true };
        var ecm = new Option<string>("--ecm") { Description = "Error correction mode: on or off", DefaultValueFactory = _ => "on" };
        ecm.AcceptOnlyFromAmong("on", "off");
        var files = new Argument<string[]>("FILE") { Description = "TIFF files to send, pages in order", Arity = ArgumentArity.OneOrMore };
        var command = new Command("send", "Send a fax through a modem (Class 1 with our T.30 engine, or Class 2/2.0)")
        {
            lineOptions.Device, to, lineOptions.Class, ecm, lineOptions.Profile, lineOptions.Ident, files,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var pages = new List<PageRaster>();
            foreach (var file in parse.GetValue(files)!)
            {
                try
                {
                    pages.AddRange(TiffFax.Read(file).Select(p => p.Raster));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FaxCodingException or ArgumentException)
                {
                    error.WriteLine($"faxgw send: cannot read {file}: {ex.Message}");
                    return 2;
                }
            }

            return await lineOptions.RunAsync(
                parse,
                lineOptions.CallOptions(parse) with { UseEcm = parse.GetValue(ecm) != "off" },
                error,
                async (line, ct) =>
                {
                    output.WriteLine($"dialling {parse.GetValue(to)} on {line.Connection.Name} ({line.Class}), {pages.Count} page(s)");
                    var report = await line.SendAsync(parse.GetValue(to)!, pages, ct).ConfigureAwait(false);
                    FaxCallCli.Print(report, output);
                    return report.Success && report.PagesConfirmed == pages.Count ? 0 : 1;
                },
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}

/// <summary>
/// The options of a verb that makes one call through a modem line (<c>--device</c>, <c>--class</c>, <c>--profile</c>,
/// <c>--ident</c>; shared by <c>faxgw send</c> and <c>faxgw receive</c>), the call options they give and opening the
/// line they name. Each verb adds them to its command in its own order.
/// </summary>
internal sealed class FaxLineOptions
{
    public FaxLineOptions()
    {
        Class.AcceptOnlyFromAmong("auto", "1", "2", "2.0");
    }

    public Option<string> Device { get; } = new("--device") { Description = "Modem device (serial port, pty, or tcp://host:port)", Required = true };

    public Option<string> Class { get; } = new("--class") { Description = "Fax class: auto, 1, 2 or 2.0", DefaultValueFactory = _ => "auto" };

    public Option<string?> Profile { get; } = new("--profile") { Description = "Modem profile: a built-in name or a JSON file (default: probed)" };

    public Option<string?> Ident { get; } = new("--ident") { Description = "Our TSI/CSI (at most 20 characters)" };

    /// <summary>Our ident and the fax class; a verb adds its own settings with <c>with</c>.</summary>
    public FaxCallOptions CallOptions(ParseResult parse) => new()
    {
        LocalIdent = parse.GetValue(Ident) ?? string.Empty,
        Class = FaxCallCli.ParseClass(parse.GetValue(Class)),
    };

    /// <summary>Opens the line on the device with the profile given (or probed) and runs <paramref name="call"/>
    /// (<see cref="FaxCallCli.RunAsync"/>).</summary>
    public Task<int> RunAsync(ParseResult parse, FaxCallOptions options, TextWriter error, Func<FaxLine, CancellationToken, Task<int>> call, CancellationToken cancellationToken) =>
        FaxCallCli.RunAsync(parse.GetValue(Device)!, parse.GetValue(Profile), options, error, call, cancellationToken);
}

/// <summary>What <c>faxgw send</c> and <c>faxgw receive</c> share: opening the line with a profile, printing the report.</summary>
internal static class FaxCallCli
{
    public static FaxCallClass ParseClass(string? value) => value switch
    {
        "1" => FaxCallClass.Class1,
        "2" => FaxCallClass.Class2,
        "2.0" => FaxCallClass.Class20,
        _ => FaxCallClass.Auto,
    };

    /// <summary>The profile by name or file, or the built-in profile the probed modem matches, or one suggested for it.</summary>
    public static async Task<ModemProfile> ResolveProfileAsync(string device, string? profile, CancellationToken cancellationToken)
    {
        var catalog = ModemProfileCatalog.Load(Path.Combine(AppContext.BaseDirectory, "hardware", "modems"));
        if (profile is not null)
        {
            return File.Exists(profile) ? ModemProfileLoader.LoadFile(profile) : catalog.Get(profile);
        }

        // Ask the modem who it is (ATI, ATI3, +FMI/+FMM/+FMR, +FCLASS=?, +FTM=?/+FRM=?) with a generic profile's port settings.
        var generic = catalog.Get("generic-class1") with { FlowControl = Modems.Transport.FlowControl.None };
        await using var connection = await ModemConnection.OpenAsync(device, generic, cancellationToken: cancellationToken).ConfigureAwait(false);
        var identity = await ModemProber.ProbeAsync(connection.Channel, TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        return catalog.Match(identity) ?? catalog.Suggest(identity);
    }

    /// <summary>Opens the device, initialises the line and runs <paramref name="call"/>; modem and argument problems become exit codes.</summary>
    public static async Task<int> RunAsync(string device, string? profileName, FaxCallOptions options, TextWriter error, Func<FaxLine, CancellationToken, Task<int>> call, CancellationToken cancellationToken)
    {
        ModemProfile profile;
        try
        {
            profile = await ResolveProfileAsync(device, profileName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException or ModemException or InvalidDataException)
        {
            error.WriteLine($"faxgw: {ex.Message}");
            return ex is ArgumentException or InvalidDataException || ex is ModemException { Failure: ModemFailure.InvalidProfile } ? 2 : 3;
        }

        FaxLine line;
        try
        {
            line = await FaxLine.OpenAsync(device, profile, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ModemException or ArgumentException)
        {
            error.WriteLine($"faxgw: cannot open {device}: {ex.Message}");
            return 3;
        }

        await using (line.ConfigureAwait(false))
        {
            try
            {
                await line.InitializeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ModemException ex)
            {
                error.WriteLine($"faxgw: the modem on {device} did not initialise (profile {profile.Name}): {ex.Message}");
                return 3;
            }

            try
            {
                return await call(line, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                error.WriteLine($"faxgw: {ex.Message}");
                return 2;
            }
        }
    }

    /// <summary>One line for the call and one per page.</summary>
    public static void Print(FaxCallReport report, TextWriter output)
    {
        var remote = report.RemoteIdent.Length > 0 ? $", remote \"{report.RemoteIdent}\"" : string.Empty;
        output.WriteLine($"call: {(report.Success ? "ok" : "failed")}: {report.HangupText}{remote}, {report.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        foreach (var page in report.Pages)
        {
            var detail = page.Ecm ? $"ECM, {page.ResentFrames} frame(s) resent" : $"{page.BadLines} bad line(s)";
            output.WriteLine($"page {page.PageIndex + 1}: {page.Outcome} ({page.Compression}, {page.Resolution}, {page.Rate}, {detail})");
        }
    }
}
