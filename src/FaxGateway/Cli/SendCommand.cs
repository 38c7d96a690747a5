using System.CommandLine;
using System.Globalization;
using FaxGateway.Imaging;
using FaxGateway.Modems;
using FaxGateway.Modems.Calls;
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
        var device = FaxCallCli.DeviceOption();
        var to = new Option<string>("--to") { Description = "Number to dial", Required = true };
        var faxClass = FaxCallCli.ClassOption();
        var ecm = new Option<string>("--ecm") { Description = "Error correction mode: on or off", DefaultValueFactory = _ => "on" };
        ecm.AcceptOnlyFromAmong("on", "off");
        var profile = FaxCallCli.ProfileOption();
        var ident = FaxCallCli.IdentOption();
        var files = new Argument<string[]>("FILE") { Description = "TIFF files to send, pages in order", Arity = ArgumentArity.OneOrMore };
        var command = new Command("send", "Send a fax through a modem (Class 1 with our T.30 engine, or Class 2/2.0)")
        {
            device, to, faxClass, ecm, profile, ident, files,
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

            var options = new FaxCallOptions
            {
                LocalIdent = parse.GetValue(ident) ?? string.Empty,
                UseEcm = parse.GetValue(ecm) != "off",
                Class = FaxCallCli.ParseClass(parse.GetValue(faxClass)),
            };
            return await FaxCallCli.RunAsync(
                parse.GetValue(device)!,
                parse.GetValue(profile),
                options,
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

/// <summary>What <c>faxgw send</c> and <c>faxgw receive</c> share: options, opening the line with a profile, printing the report.</summary>
internal static class FaxCallCli
{
    public static Option<string> DeviceOption() => new("--device") { Description = "Modem device (serial port, pty, or tcp://host:port)", Required = true };

    public static Option<string> ClassOption()
    {
        var option = new Option<string>("--class") { Description = "Fax class: auto, 1, 2 or 2.0", DefaultValueFactory = _ => "auto" };
        option.AcceptOnlyFromAmong("auto", "1", "2", "2.0");
        return option;
    }

    public static Option<string?> ProfileOption() => new("--profile") { Description = "Modem profile: a built-in name or a JSON file (default: probed)" };

    public static Option<string?> IdentOption() => new("--ident") { Description = "Our TSI/CSI (at most 20 characters)" };

    public static FaxCallClass ParseClass(string? value) => value switch
    {
        "1" => FaxCallClass.Class1,
        "2" => FaxCallClass.Class2,
        "2.0" => FaxCallClass.Class20,
        _ => FaxCallClass.Auto,
    };

    /// <summary>The profile by name or file, or the built-in profile the modem's identification matches, or a generic one.</summary>
    public static async Task<ModemProfile> ResolveProfileAsync(string device, string? profile, CancellationToken cancellationToken)
    {
        if (profile is not null)
        {
            if (File.Exists(profile))
            {
                return ModemProfileLoader.LoadFile(profile);
            }

            return ModemProfileLoader.LoadBuiltIn().FirstOrDefault(p => p.Name == profile)
                ?? throw new ArgumentException($"no built-in modem profile named \"{profile}\" and no such file");
        }

        return await ProbeAsync(device, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the modem who it is (ATI, ATI3, +FMI/+FMM) and which classes it speaks (+FCLASS=?), then takes the matching
    /// built-in profile, or a generic one for the best class (1 first: our engine, then 2.0, then 2).
    /// </summary>
    private static async Task<ModemProfile> ProbeAsync(string device, CancellationToken cancellationToken)
    {
        var generic = new ModemProfile { Name = "generic", ResetDelayMs = 500 };
        await using var connection = await ModemConnection.OpenAsync(device, generic, cancellationToken: cancellationToken).ConfigureAwait(false);
        var channel = connection.Channel;
        async Task<string> AskAsync(string command)
        {
            try
            {
                var response = await channel.ExecuteAsync(command, TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
                return response.IsOk ? response.Text.Trim() : string.Empty;
            }
            catch (ModemException)
            {
                return string.Empty;
            }
        }

        await AskAsync("ATE0V1");
        var ati = await AskAsync("ATI");
        var ati3 = await AskAsync("ATI3");
        var manufacturer = await AskAsync("AT+FMI?");
        var model = await AskAsync("AT+FMM?");
        var classes = await AskAsync("AT+FCLASS=?");
        var identity = string.Join(' ', ati, ati3, manufacturer, model);
        var match = ModemProfileLoader.LoadBuiltIn().FirstOrDefault(p => p.Match is { } m
            && (m.Ati is null || identity.Contains(m.Ati, StringComparison.OrdinalIgnoreCase))
            && (m.Manufacturer is null || identity.Contains(m.Manufacturer, StringComparison.OrdinalIgnoreCase))
            && (m.Model is null || identity.Contains(m.Model, StringComparison.OrdinalIgnoreCase))
            && (m.Ati ?? m.Manufacturer ?? m.Model) is not null);
        if (match is not null)
        {
            return match;
        }

        var offered = classes.Split([',', '(', ')', ' '], StringSplitOptions.RemoveEmptyEntries);
        var preferred = offered.Contains("1") || offered.Contains("1.0") ? FaxClass.Class1
            : offered.Contains("2.0") ? FaxClass.Class20
            : offered.Contains("2") ? FaxClass.Class2
            : FaxClass.Class1;
        return generic with { Name = "generic-probed", PreferredClass = preferred };
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
            return ex is ArgumentException or InvalidDataException ? 2 : 3;
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
