using System.CommandLine;
using System.Globalization;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Hosting;
using FaxGateway.Storage;

namespace FaxGateway.Cli;

/// <summary>
/// <c>faxgw status --data DIR</c>: the lines and the queue, read from the daemon's database (as HylaFAX's
/// <c>faxstat -s</c>): works whether or not the daemon runs, and never changes anything.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "Data folder of the daemon (default: $STATE_DIRECTORY, else ~/.local/share/faxgw)" };
        var command = new Command("status", "Show the lines and the queue") { data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(data)?.FullName ?? DaemonSettings.DefaultDataDirectory();
            var output = parse.InvocationConfiguration.Output;
            if (!Directory.Exists(directory))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"faxgw status: no data folder at {directory} (give --data).").ConfigureAwait(false);
                return 2;
            }

            var services = new ServiceCollection();
            services.AddSqliteStorage(o => o.DataDirectory = directory);
            services.AddSingleton(TimeProvider.System);
            await using var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IStorageInitializer>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            var now = TimeProvider.System.GetUtcNow();
            var lines = await provider.GetRequiredService<ILineRepository>().ListAsync(cancellationToken).ConfigureAwait(false);
            var jobs = provider.GetRequiredService<IJobRepository>();
            var counts = await jobs.CountByStateAsync(cancellationToken).ConfigureAwait(false);
            var inFlight = await jobs.ListInFlightAsync(cancellationToken).ConfigureAwait(false);
            var nextDue = await jobs.NextDueAsync(cancellationToken).ConfigureAwait(false);

            await output.WriteLineAsync($"FaxGateway status ({directory}) at {now:yyyy-MM-dd HH:mm:ss} UTC").ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync("LINE        NUMBER            STATE           FAILS  LAST CALL").ConfigureAwait(false);
            foreach (var line in lines.OrderBy(l => l.Id, StringComparer.Ordinal))
            {
                var state = line.Health == LineHealthState.InService ? "in service" : "OUT OF SERVICE";
                var last = line.LastCallAt is { } at ? Ago(now - at) : "never";
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{line.Id,-11} {line.Number,-17} {state,-15} {line.ConsecutiveFailures,5}  {last}")).ConfigureAwait(false);
            }

            if (lines.Count == 0)
            {
                await output.WriteLineAsync("(no lines: configure Modems:Lines or run with --simulate N)").ConfigureAwait(false);
            }

            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync("QUEUE  " + string.Join("  ", Enum.GetValues<JobState>().Select(s => $"{s.ToString().ToLowerInvariant()} {counts.GetValueOrDefault(s)}"))).ConfigureAwait(false);
            if (nextDue is { } due)
            {
                await output.WriteLineAsync($"next attempt due {(due <= now ? "now" : "in " + Ago(due - now))}").ConfigureAwait(false);
            }

            if (inFlight.Count > 0)
            {
                await output.WriteLineAsync().ConfigureAwait(false);
                await output.WriteLineAsync("JOB                               STATE       TO                 TRIES  LAST FAILURE").ConfigureAwait(false);
                foreach (var job in inFlight)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{job.Id,-33} {job.State.ToString().ToLowerInvariant(),-11} {job.Destination,-18} {job.Attempts,5}  {job.LastFailureText}")).ConfigureAwait(false);
                }
            }

            return 0;
        });
        return command;
    }

    private static string Ago(TimeSpan span) =>
        span.TotalSeconds < 90 ? $"{(int)span.TotalSeconds}s"
        : span.TotalMinutes < 90 ? $"{(int)span.TotalMinutes}m"
        : span.TotalHours < 48 ? $"{(int)span.TotalHours}h"
        : $"{(int)span.TotalDays}d";
}
