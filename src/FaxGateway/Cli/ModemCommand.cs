using System.CommandLine;
using FaxGateway.Modems;
using FaxGateway.Modems.At;
using FaxGateway.Modems.Probing;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Transport;

namespace FaxGateway.Cli;

/// <summary><c>faxgw modem probe|profiles</c>: identify a modem and check the modem profiles.</summary>
internal static class ModemCommand
{
    public static Command Create()
    {
        var command = new Command("modem", "Modem diagnostics: probe a modem, list and validate modem profiles");
        command.Subcommands.Add(CreateProbe());
        command.Subcommands.Add(CreateProfiles());
        return command;
    }

    private static string DefaultProfileDirectory => Path.Combine(AppContext.BaseDirectory, "hardware", "modems");

    private static Command CreateProbe()
    {
        var device = new Option<string>("--device") { Description = "Modem device (/dev/ttyACM0, a pty symlink, or tcp://host:port)", Required = true };
        var baud = new Option<int>("--baud") { Description = "DTE speed", DefaultValueFactory = _ => 115200 };
        var flow = new Option<FlowControl>("--flow") { Description = "Flow control: None, RtsCts, XonXoff", DefaultValueFactory = _ => FlowControl.RtsCts };
        var timeout = new Option<int>("--timeout-ms") { Description = "Timeout per command", DefaultValueFactory = _ => 3000 };
        var profiles = new Option<string?>("--profiles") { Description = "Profile folder (default: hardware/modems next to faxgw; built-in copies otherwise)" };
        var probe = new Command("probe", "Identify the modem (ATI, ATI3, +FMI/+FMM/+FMR, +FCLASS=?, +FTM=?, +FCC=?) and print the matching or a suggested profile");
        probe.Options.Add(device);
        probe.Options.Add(baud);
        probe.Options.Add(flow);
        probe.Options.Add(timeout);
        probe.Options.Add(profiles);
        probe.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var catalog = ModemProfileCatalog.Load(parse.GetValue(profiles) ?? DefaultProfileDirectory);
                await using var transport = await ModemEndpoint.OpenAsync(parse.GetValue(device)!, parse.GetValue(baud), parse.GetValue(flow), cancellationToken).ConfigureAwait(false);
                await using var channel = new AtChannel(transport.Stream, transport.Name);
                var identity = await ModemProber.ProbeAsync(channel, TimeSpan.FromMilliseconds(parse.GetValue(timeout)), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"device:       {transport.Name}{(transport.HasModemControl ? string.Empty : " (no modem-control lines: resets by ATZ)")}").ConfigureAwait(false);
                await output.WriteLineAsync($"ATI:          {identity.Ati}").ConfigureAwait(false);
                await output.WriteLineAsync($"ATI3:         {identity.Ati3}").ConfigureAwait(false);
                await output.WriteLineAsync($"manufacturer: {identity.Manufacturer}").ConfigureAwait(false);
                await output.WriteLineAsync($"model:        {identity.Model}").ConfigureAwait(false);
                await output.WriteLineAsync($"revision:     {identity.Revision}").ConfigureAwait(false);
                await output.WriteLineAsync($"classes:      {identity.ClassAnswer} -> {string.Join(", ", identity.Classes)}").ConfigureAwait(false);
                await output.WriteLineAsync($"+FTM:         {string.Join(",", identity.TransmitCarriers.Select(c => (int)c))}").ConfigureAwait(false);
                await output.WriteLineAsync($"+FRM:         {string.Join(",", identity.ReceiveCarriers.Select(c => (int)c))}").ConfigureAwait(false);
                if (identity.Class20Capabilities is not null)
                {
                    await output.WriteLineAsync($"+FCC=?:       {identity.Class20Capabilities}").ConfigureAwait(false);
                }

                if (identity.Class2Capabilities is not null)
                {
                    await output.WriteLineAsync($"+FDCC=?:      {identity.Class2Capabilities}").ConfigureAwait(false);
                }

                var match = catalog.Match(identity);
                if (match is not null)
                {
                    await output.WriteLineAsync($"profile:      {match.Name} (matched)").ConfigureAwait(false);
                    return 0;
                }

                await output.WriteLineAsync("profile:      no match; suggested profile (save as hardware/modems/<name>.json):").ConfigureAwait(false);
                await output.WriteLineAsync(ModemProfileLoader.ToJson(catalog.Suggest(identity))).ConfigureAwait(false);
                return 0;
            }
            catch (ModemException ex)
            {
                await error.WriteLineAsync($"faxgw modem probe: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
        });
        return probe;
    }

    private static Command CreateProfiles()
    {
        var profiles = new Option<string?>("--profiles") { Description = "Profile folder (default: hardware/modems next to faxgw)" };
        var list = new Command("profiles", "List and validate the modem profiles");
        list.Options.Add(profiles);
        list.SetAction(parse =>
        {
            try
            {
                var catalog = ModemProfileCatalog.Load(parse.GetValue(profiles) ?? DefaultProfileDirectory);
                foreach (var profile in catalog.Profiles)
                {
                    parse.InvocationConfiguration.Output.WriteLine($"{profile.Name,-22} {profile.PreferredClass,-8} {profile.Description}");
                }

                return 0;
            }
            catch (ModemException ex)
            {
                parse.InvocationConfiguration.Error.WriteLine($"faxgw modem profiles: {ex.Message}");
                return 2;
            }
        });
        return list;
    }
}
