using System.CommandLine;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Ports;
using FaxGateway.Hosting;
using FaxGateway.Storage;
using FaxGateway.Storage.Files;

namespace FaxGateway.Cli;

/// <summary><c>faxgw trace FAXID --data DIR</c>: prints the T.30 trace of a fax's call (by fax id or session id).</summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        var faxId = new Argument<string>("fax-id") { Description = "The fax id (or the session id of a webhook's data.id)" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Data folder of the daemon" };
        var account = new Option<string>("--account") { Description = "Account uid, or 'self' for the first account", DefaultValueFactory = _ => "self" };
        var command = new Command("trace", "Print the T.30 trace of a fax call") { faxId, data, account };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(data)?.FullName ?? DaemonSettings.DefaultDataDirectory();
            var error = parse.InvocationConfiguration.Error;
            var services = new ServiceCollection();
            services.AddSqliteStorage(o => o.DataDirectory = directory);
            services.AddSingleton(TimeProvider.System);
            await using var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IStorageInitializer>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            var uid = parse.GetValue(account) ?? "self";
            if (uid == "self")
            {
                uid = (await DaemonBootstrap.EnsureSelfAccountAsync(provider, cancellationToken).ConfigureAwait(false)).Id;
            }

            var id = parse.GetValue(faxId)!;
            var fax = await provider.GetRequiredService<IFaxRepository>().GetAsync(uid, id, cancellationToken).ConfigureAwait(false);
            if (fax is null)
            {
                await error.WriteLineAsync($"faxgw trace: no fax '{id}' in account {uid} ({directory}).").ConfigureAwait(false);
                return 2;
            }

            ICallTraceStore traces = new FileCallTraceStore(Path.Combine(directory, "traces"));
            var trace = await traces.ReadAsync(fax.SessionId, cancellationToken).ConfigureAwait(false);
            if (trace is null)
            {
                await error.WriteLineAsync($"faxgw trace: no trace was kept for fax '{id}'.").ConfigureAwait(false);
                return 1;
            }

            await parse.InvocationConfiguration.Output.WriteAsync(trace).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
