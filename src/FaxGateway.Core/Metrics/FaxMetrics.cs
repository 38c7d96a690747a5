using System.Diagnostics.Metrics;

namespace FaxGateway.Core.Metrics;

/// <summary>
/// The daemon's metrics: line health, queue and deliveries, document conversion. One Meter
/// ("FaxGateway"), dotted instrument names with units, exported by prometheus-net on /metrics
/// (dots become underscores, counters gain _total). Tag values are bounded: a line id, a result,
/// a reason, a direction; never a phone number or a job id. docs/grafana/line-health.json queries these.
/// </summary>
public sealed class FaxMetrics : IDisposable
{
    public const string MeterName = "FaxGateway";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _pages;
    private readonly Counter<long> _pageRetransmissions;
    private readonly Counter<long> _rtn;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _ecmFramesResent;
    private readonly Counter<long> _trainingFailures;
    private readonly Histogram<double> _modemCommandDuration;
    private readonly Counter<long> _modemResets;
    private readonly Counter<long> _modemDisconnects;
    private readonly Histogram<double> _submitToSent;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _deliveryDuration;
    private readonly Histogram<double> _conversionDuration;
    private Func<IEnumerable<LineHealth>> _lines = static () => [];
    private Func<QueueHealth> _queue = static () => new QueueHealth(new Dictionary<string, long>(), TimeSpan.Zero);

    public FaxMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);

        _calls = _meter.CreateCounter<long>("faxgw.line.calls", "{call}", "Fax calls ended, by line, direction (send, receive) and result (ok, failed, busy, no_answer, no_carrier, rejected)");
        _pages = _meter.CreateCounter<long>("faxgw.line.pages", "{page}", "Pages confirmed (MCF) by line and direction");
        _pageRetransmissions = _meter.CreateCounter<long>("faxgw.line.page.retransmissions", "{page}", "Pages sent again after RTN or a lost confirmation");
        _rtn = _meter.CreateCounter<long>("faxgw.line.rtn", "{response}", "RTN (retrain negative) responses, by line and direction");
        _fallbacks = _meter.CreateCounter<long>("faxgw.line.fallbacks", "{fallback}", "Training fallbacks (FTT) by line and the rate fallen back to");
        _failures = _meter.CreateCounter<long>("faxgw.line.failures", "{call}", "Failed calls by line and hangup reason");
        _ecmFramesResent = _meter.CreateCounter<long>("faxgw.line.ecm.frames.resent", "{frame}", "ECM frames resent after PPR");
        _trainingFailures = _meter.CreateCounter<long>("faxgw.line.training.failures", "{training}", "TCF trainings judged bad (FTT sent or received)");
        _modemCommandDuration = _meter.CreateHistogram<double>("faxgw.modem.command.duration", "s", "Time from an AT command to its final result, by line and command kind",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _modemResets = _meter.CreateCounter<long>("faxgw.modem.resets", "{reset}", "Modem re-initialisations after a broken line (Break)");
        _modemDisconnects = _meter.CreateCounter<long>("faxgw.modem.disconnects", "{disconnect}", "Modem ports that vanished or stopped answering");
        _submitToSent = _meter.CreateHistogram<double>("faxgw.queue.submit_to_sent.duration", "s", "Time from a job's submission to its last page confirmed",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14400, 86400] });
        _deliveries = _meter.CreateCounter<long>("faxgw.webhook.deliveries", "{delivery}", "Webhook and callback delivery attempts by kind and result");
        _deliveryDuration = _meter.CreateHistogram<double>("faxgw.webhook.delivery.duration", "s", "Webhook and callback delivery latency by kind",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _conversionDuration = _meter.CreateHistogram<double>("faxgw.document.conversion.duration", "s", "Document to fax pages conversion time by source format",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

        _meter.CreateObservableGauge("faxgw.line.state", ObserveLineStates, "{line}", "1 for the state each line is in (idle, busy, down, probing), 0 for the others");
        _meter.CreateObservableGauge("faxgw.line.last_success.time", ObserveLastSuccess, "s", "Unix time of the line's last successful call");
        _meter.CreateObservableGauge("faxgw.line.consecutive_failures", ObserveConsecutiveFailures, "{call}", "Calls failed in a row on the line");
        _meter.CreateObservableGauge("faxgw.queue.jobs", ObserveQueueJobs, "{job}", "Jobs by state");
        _meter.CreateObservableGauge("faxgw.queue.oldest_job.age", () => _queue().OldestPendingAge.TotalSeconds, "s", "Age of the oldest job not yet ended");
    }

    /// <summary>
    /// The tag names of each instrument, so an exporter can declare every metric (with its labels)
    /// before the first measurement: a scrape of an idle daemon already lists all of them.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> TagNames { get; } = new Dictionary<string, string[]>
    {
        ["faxgw.line.calls"] = ["line", "direction", "result"],
        ["faxgw.line.pages"] = ["line", "direction"],
        ["faxgw.line.page.retransmissions"] = ["line"],
        ["faxgw.line.rtn"] = ["line", "direction"],
        ["faxgw.line.fallbacks"] = ["line", "rate"],
        ["faxgw.line.failures"] = ["line", "reason"],
        ["faxgw.line.ecm.frames.resent"] = ["line"],
        ["faxgw.line.training.failures"] = ["line"],
        ["faxgw.modem.command.duration"] = ["line", "command"],
        ["faxgw.modem.resets"] = ["line"],
        ["faxgw.modem.disconnects"] = ["line"],
        ["faxgw.queue.submit_to_sent.duration"] = [],
        ["faxgw.webhook.deliveries"] = ["kind", "result"],
        ["faxgw.webhook.delivery.duration"] = ["kind"],
        ["faxgw.document.conversion.duration"] = ["format"],
        ["faxgw.line.state"] = ["line", "state"],
        ["faxgw.line.last_success.time"] = ["line"],
        ["faxgw.line.consecutive_failures"] = ["line"],
        ["faxgw.queue.jobs"] = ["state"],
        ["faxgw.queue.oldest_job.age"] = [],
    };

    /// <summary>The states a line can be in, as exported in faxgw.line.state.</summary>
    public static IReadOnlyList<string> LineStates { get; } = ["idle", "busy", "down", "probing"];

    /// <summary>The job states exported in faxgw.queue.jobs.</summary>
    public static IReadOnlyList<string> JobStates { get; } = ["submitted", "converting", "scheduled", "sending", "sent", "failed", "cancelled"];

    /// <summary>Registers where line health is read from when /metrics is scraped.</summary>
    public void ObserveLines(Func<IEnumerable<LineHealth>> lines) => _lines = lines ?? throw new ArgumentNullException(nameof(lines));

    /// <summary>Registers where queue health is read from when /metrics is scraped.</summary>
    public void ObserveQueue(Func<QueueHealth> queue) => _queue = queue ?? throw new ArgumentNullException(nameof(queue));

    public void CallEnded(string line, string direction, string result) =>
        _calls.Add(1, new("line", line), new("direction", direction), new("result", result));

    public void PagesConfirmed(string line, string direction, int pages) =>
        _pages.Add(pages, new("line", line), new("direction", direction));

    public void PageRetransmitted(string line) => _pageRetransmissions.Add(1, new KeyValuePair<string, object?>("line", line));

    public void Rtn(string line, string direction) => _rtn.Add(1, new("line", line), new("direction", direction));

    public void Fallback(string line, int toBitsPerSecond) => _fallbacks.Add(1, new("line", line), new("rate", toBitsPerSecond));

    public void CallFailed(string line, string reason) => _failures.Add(1, new("line", line), new("reason", reason));

    public void EcmFramesResent(string line, int frames) => _ecmFramesResent.Add(frames, new KeyValuePair<string, object?>("line", line));

    public void TrainingFailed(string line) => _trainingFailures.Add(1, new KeyValuePair<string, object?>("line", line));

    public void ModemCommand(string line, string kind, TimeSpan duration) =>
        _modemCommandDuration.Record(duration.TotalSeconds, new("line", line), new("command", kind));

    public void ModemReset(string line) => _modemResets.Add(1, new KeyValuePair<string, object?>("line", line));

    public void ModemDisconnected(string line) => _modemDisconnects.Add(1, new KeyValuePair<string, object?>("line", line));

    public void JobSent(TimeSpan sinceSubmitted) => _submitToSent.Record(sinceSubmitted.TotalSeconds);

    public void Delivery(string kind, string result, TimeSpan duration)
    {
        _deliveries.Add(1, new("kind", kind), new("result", result));
        _deliveryDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("kind", kind));
    }

    public void DocumentConverted(string format, TimeSpan duration) =>
        _conversionDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("format", format));

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<int>> ObserveLineStates()
    {
        foreach (var line in _lines())
        {
            foreach (var state in LineStates)
            {
                yield return new Measurement<int>(state == line.State ? 1 : 0, new("line", line.Line), new("state", state));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveLastSuccess()
    {
        foreach (var line in _lines())
        {
            if (line.LastSuccess is { } at)
            {
                yield return new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0, new KeyValuePair<string, object?>("line", line.Line));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveConsecutiveFailures()
    {
        foreach (var line in _lines())
        {
            yield return new Measurement<int>(line.ConsecutiveFailures, new KeyValuePair<string, object?>("line", line.Line));
        }
    }

    private IEnumerable<Measurement<long>> ObserveQueueJobs()
    {
        var queue = _queue();
        foreach (var state in JobStates)
        {
            yield return new Measurement<long>(queue.JobsByState.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state));
        }
    }
}

/// <summary>A line's health as the metrics see it. <paramref name="State"/> is one of <see cref="FaxMetrics.LineStates"/>.</summary>
public sealed record LineHealth(string Line, string State, DateTimeOffset? LastSuccess, int ConsecutiveFailures);

/// <summary>The queue as the metrics see it: job counts by state, and the age of the oldest unfinished job.</summary>
public sealed record QueueHealth(IReadOnlyDictionary<string, long> JobsByState, TimeSpan OldestPendingAge);
