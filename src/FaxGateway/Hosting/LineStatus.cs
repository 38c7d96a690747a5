using System.Collections.Concurrent;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Metrics;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Operations;

namespace FaxGateway.Hosting;

/// <summary>What each line is doing right now (in a call or not) and when it last completed a call well.</summary>
internal sealed class LineActivity
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSuccess = new(StringComparer.Ordinal);

    public IDisposable InCall(string lineId)
    {
        _calls.AddOrUpdate(lineId, 1, (_, n) => n + 1);
        return new CallScope(this, lineId);
    }

    public void Succeeded(string lineId, DateTimeOffset at) => _lastSuccess[lineId] = at;

    public bool IsBusy(string lineId) => _calls.TryGetValue(lineId, out var n) && n > 0;

    public DateTimeOffset? LastSuccess(string lineId) => _lastSuccess.TryGetValue(lineId, out var at) ? at : null;

    private sealed class CallScope(LineActivity owner, string lineId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner._calls.AddOrUpdate(lineId, 0, (_, n) => Math.Max(0, n - 1));
            }
        }
    }
}

/// <summary>
/// Every few seconds reads line health and the queue from storage into a snapshot that the metrics
/// (<c>faxgw_line_state</c>, <c>faxgw_queue_jobs</c>, ...) are read from at scrape time, so a scrape
/// never waits on the database. Its refresh loop is one of the loops the systemd watchdog vouches for.
/// </summary>
internal sealed partial class HealthSnapshotService(
    IServiceProvider services,
    FaxMetrics metrics,
    LineActivity activity,
    TimeProvider time,
    ILogger<HealthSnapshotService> logger) : BackgroundService, IDaemonLiveness
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private volatile Snapshot _snapshot = new([], new QueueHealth(new Dictionary<string, long>(), TimeSpan.Zero), DateTimeOffset.MinValue);

    public string Name => "health snapshot";

    public string Status
    {
        get
        {
            var s = _snapshot;
            var up = s.Lines.Count(l => l.State is "idle" or "busy");
            var queued = s.Queue.JobsByState.Where(kv => kv.Key is "scheduled" or "sending" or "converting" or "submitted").Sum(kv => kv.Value);
            return $"{up}/{s.Lines.Count} lines up, {queued} jobs queued";
        }
    }

    public bool IsAlive(DateTimeOffset now) => _snapshot.At == DateTimeOffset.MinValue || now - _snapshot.At < RefreshInterval * 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.ObserveLines(() => _snapshot.Lines);
        metrics.ObserveQueue(() => _snapshot.Queue);
        using var timer = new PeriodicTimer(RefreshInterval, time);
        do
        {
            try
            {
                _snapshot = await ReadAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Keep the last snapshot; a database that stays away makes the watchdog withhold its ping.
                LogRefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<Snapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var configured = services.GetService<IFaxLineFactory>()?.Lines.Select(l => l.LineId).ToHashSet(StringComparer.Ordinal) ?? [];
        var stored = await services.GetRequiredService<ILineRepository>().ListAsync(cancellationToken).ConfigureAwait(false);
        var lines = stored
            .Where(l => configured.Contains(l.Id))
            .Select(l => new LineHealth(
                l.Id,
                activity.IsBusy(l.Id) ? "busy" : l.Health == LineHealthState.OutOfService ? "down" : "idle",
                activity.LastSuccess(l.Id),
                l.ConsecutiveFailures))
            .ToArray();
        var counts = await services.GetRequiredService<IJobRepository>().CountByStateAsync(cancellationToken).ConfigureAwait(false);
        var byState = counts.ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value);
        return new Snapshot(lines, new QueueHealth(byState, TimeSpan.Zero), time.GetUtcNow());
    }

    [LoggerMessage(EventId = 9010, Level = LogLevel.Warning, Message = "Could not read line and queue health")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    private sealed record Snapshot(IReadOnlyList<LineHealth> Lines, QueueHealth Queue, DateTimeOffset At);
}
