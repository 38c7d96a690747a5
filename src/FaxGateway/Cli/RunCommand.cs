using System.CommandLine;
using FaxGateway.Hosting;

namespace FaxGateway.Cli;

/// <summary><c>faxgw run</c>: the daemon (REST API, queue, line workers), systemd-aware.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file (read after appsettings.json)" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Data folder: SQLite database and files (default: $STATE_DIRECTORY, else ~/.local/share/faxgw)" };
        var urls = new Option<string?>("--urls") { Description = "Listen addresses, e.g. http://localhost:8080" };
        var simulate = new Option<int>("--simulate") { Description = "Run N simulated modems on a simulated PSTN" };
        var command = new Command("run", "Run the fax gateway daemon") { config, data, urls, simulate };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new DaemonSettings
            {
                ConfigFile = parse.GetValue(config)?.FullName,
                DataDirectory = parse.GetValue(data)?.FullName,
                Urls = parse.GetValue(urls),
                Simulate = parse.GetValue(simulate),
            };
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (settings.Simulate < 0)
            {
                await error.WriteLineAsync("faxgw run: --simulate needs a count of 0 or more.").ConfigureAwait(false);
                return 2;
            }

            if (settings.ConfigFile is { } file && !File.Exists(file))
            {
                await error.WriteLineAsync($"faxgw run: configuration file {file} does not exist.").ConfigureAwait(false);
                return 2;
            }

            IHost host;
            try
            {
                host = DaemonHost.CreateHostBuilder(settings).Build();
            }
            catch (Exception e) when (e is InvalidOperationException or InvalidDataException or FormatException or IOException)
            {
                await error.WriteLineAsync($"faxgw run: configuration error: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            using (host)
            {
                var problems = DaemonHost.ValidateConfiguration(host.Services);
                if (problems.Count > 0)
                {
                    foreach (var problem in problems)
                    {
                        await error.WriteLineAsync($"faxgw run: configuration error: {problem}").ConfigureAwait(false);
                    }

                    return 2;
                }

                var start = await DaemonBootstrap.RunAsync(host.Services, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"faxgw: account self = {start.Account.Id} ({start.Account.Email})").ConfigureAwait(false);
                if (start.NewToken is { } token)
                {
                    await output.WriteLineAsync($"faxgw: first start: API token (shown once, scope fax:all:edit): {token}").ConfigureAwait(false);
                }

                foreach (var number in start.LineNumbers)
                {
                    await output.WriteLineAsync($"faxgw: line {number.LineId}: number {number.Number}").ConfigureAwait(false);
                }

                if (DaemonLines.MissingLinesReason(host.Services) is { } reason)
                {
                    await output.WriteLineAsync($"faxgw: {reason}").ConfigureAwait(false);
                }

                try
                {
                    await host.StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
                {
                    // Another daemon (or anything else) on the port: say so, not a stack trace.
                    await error.WriteLineAsync($"faxgw run: cannot listen: {e.Message} Choose another with --urls.").ConfigureAwait(false);
                    await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    return 2;
                }

                await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }
        });
        return command;
    }
}
