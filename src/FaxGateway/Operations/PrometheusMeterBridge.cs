using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using FaxGateway.Core.Metrics;
using Prometheus;

namespace FaxGateway.Operations;

/// <summary>
/// Exports the daemon's System.Diagnostics.Metrics instruments (meter "FaxGateway") through
/// prometheus-net, keeping Prometheus types: Counter&lt;T&gt; becomes a counter named
/// <c>faxgw_line_calls_total</c>, Histogram&lt;double&gt; in seconds becomes
/// <c>faxgw_modem_command_duration_seconds</c> with the instrument's advised buckets, and observable
/// gauges are read just before each scrape. (prometheus-net's own MeterAdapter turns counters into
/// gauges and, in 8.2.1 on .NET 10, drops counter and histogram measurements.)
/// Every metric is declared with its labels when its instrument is published, so an idle daemon's
/// scrape already lists all of them.
/// </summary>
internal sealed class PrometheusMeterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly CollectorRegistry _registry;
    private readonly IMetricFactory _factory;
    private readonly ConcurrentDictionary<Instrument, Exported> _exported = new();
    private volatile bool _disposed;

    public PrometheusMeterBridge(CollectorRegistry registry)
    {
        _registry = registry;
        _factory = Metrics.WithCustomRegistry(registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != FaxMetrics.MeterName)
            {
                return;
            }

            _exported[instrument] = Declare(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _exported.TryRemove(instrument, out Exported? _);
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
        _registry.AddBeforeCollectCallback(() =>
        {
            if (!_disposed)
            {
                _listener.RecordObservableInstruments();
            }
        });
    }

    /// <summary>The Prometheus name an instrument is exported under.</summary>
    public static string PrometheusName(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        if (instrument.Unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal))
        {
            name += "_seconds";
        }

        if (IsCounter(instrument))
        {
            name += "_total";
        }

        return name;
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
    }

    private static bool IsCounter(Instrument instrument) =>
        instrument is Counter<int> or Counter<long> or Counter<double>;

    private static bool IsHistogram(Instrument instrument) =>
        instrument is Histogram<double> or Histogram<long> or Histogram<int>;

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        return sb.ToString();
    }

    private Exported Declare(Instrument instrument)
    {
        var labels = FaxMetrics.TagNames.TryGetValue(instrument.Name, out var known) ? known : [];
        var help = $"{instrument.Description} ({instrument.Unit})";
        var name = PrometheusName(instrument);
        if (IsCounter(instrument))
        {
            return new Exported(labels, Counter: _factory.CreateCounter(name, help, labels));
        }

        if (IsHistogram(instrument))
        {
            var buckets = (instrument as Histogram<double>)?.Advice?.HistogramBucketBoundaries?.ToArray() ?? Histogram.ExponentialBuckets(0.005, 2, 16);
            return new Exported(labels, Histogram: _factory.CreateHistogram(name, help, labels, new HistogramConfiguration { Buckets = buckets }));
        }

        return new Exported(labels, Gauge: _factory.CreateGauge(name, help, labels));
    }

    private void Record<T>(Instrument instrument, T measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        if (!_exported.TryGetValue(instrument, out var exported))
        {
            return;
        }

        // Label values in the declared order; a tag the instrument did not declare is ignored.
        var values = new string[exported.Labels.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = string.Empty;
            foreach (var tag in tags)
            {
                if (tag.Key == exported.Labels[i])
                {
                    values[i] = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                    break;
                }
            }
        }

        var value = measurement.ToDouble(CultureInfo.InvariantCulture);
        if (exported.Counter is { } counter)
        {
            counter.WithLabels(values).Inc(value);
        }
        else if (exported.Histogram is { } histogram)
        {
            histogram.WithLabels(values).Observe(value);
        }
        else
        {
            exported.Gauge!.WithLabels(values).Set(value);
        }
    }

    private sealed record Exported(string[] Labels, Counter? Counter = null, Histogram? Histogram = null, Gauge? Gauge = null);
}
