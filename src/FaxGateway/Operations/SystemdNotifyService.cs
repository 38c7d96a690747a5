using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Operations;

/// <summary>
/// Tells systemd READY=1 once the host has started (database migrated, lines started), pings
/// WATCHDOG=1 at half the interval systemd asked for while the daemon's liveness check passes, keeps
/// STATUS= up to date, and says STOPPING=1 on shutdown. A stalled daemon stops pinging and is restarted.
/// </summary>
internal sealed partial class SystemdNotifyService(
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SystemdNotifyService> logger,
    IEnumerable<IDaemonLiveness> liveness) : BackgroundService
{
    private readonly SystemdNotifier _notifier = SystemdNotifier.FromEnvironment();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_notifier.IsEnabled)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);

        _notifier.Notify("READY=1\nSTATUS=" + Status());
        LogReady(logger);

        var interval = SystemdNotifier.WatchdogInterval();
        if (interval is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval.Value / 2, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var stalled = liveness.FirstOrDefault(l => !l.IsAlive(time.GetUtcNow()));
                if (stalled is not null)
                {
                    // Withhold the ping: systemd restarts a daemon whose loops have stopped.
                    LogStalled(logger, stalled.Name);
                    continue;
                }

                _notifier.Notify("WATCHDOG=1\nSTATUS=" + Status());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _notifier.Notify("STOPPING=1");
        return base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _notifier.Dispose();
        base.Dispose();
    }

    private string Status() => string.Join(", ", liveness.Select(l => l.Status).Where(s => s.Length > 0).DefaultIfEmpty("running"));

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Told systemd the daemon is ready")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Watchdog ping withheld: {Component} has stalled")]
    private static partial void LogStalled(ILogger logger, string component);
}

/// <summary>A loop of the daemon that the systemd watchdog vouches for (scheduler, line workers, webhook sender).</summary>
internal interface IDaemonLiveness
{
    string Name { get; }

    /// <summary>One short phrase for systemd's STATUS= line, or empty.</summary>
    string Status { get; }

    bool IsAlive(DateTimeOffset now);
}
