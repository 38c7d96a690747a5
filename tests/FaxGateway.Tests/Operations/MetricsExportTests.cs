using System.Diagnostics.Metrics;
using FaxGateway.Core.Metrics;
using FaxGateway.Operations;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace FaxGateway.Tests.Operations;

public sealed class MetricsExportTests
{
    [Fact]
    public async Task Every_instrument_is_declared_in_an_idle_scrape()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var registry = Metrics.NewCustomRegistry();
        using var bridge = new PrometheusMeterBridge(registry);
        using var metrics = new FaxMetrics(services.GetRequiredService<IMeterFactory>());

        var scrape = await Scrape(registry);

        Assert.All(FaxMetrics.TagNames.Keys, name => Assert.Contains("# TYPE " + name.Replace('.', '_'), scrape, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Counters_histograms_and_gauges_keep_their_prometheus_types_and_labels()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var registry = Metrics.NewCustomRegistry();
        using var bridge = new PrometheusMeterBridge(registry);
        using var metrics = new FaxMetrics(services.GetRequiredService<IMeterFactory>());
        metrics.ObserveLines(() => [new LineHealth("line1", "down", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), 3)]);
        metrics.ObserveQueue(() => new QueueHealth(new Dictionary<string, long> { ["scheduled"] = 7 }, TimeSpan.FromSeconds(42)));

        metrics.CallEnded("line1", "send", "ok");
        metrics.CallEnded("line1", "send", "ok");
        metrics.CallFailed("line1", "no_carrier");
        metrics.ModemCommand("line1", "dial", TimeSpan.FromMilliseconds(30));

        var scrape = await Scrape(registry);

        Assert.Contains("# TYPE faxgw_line_calls_total counter", scrape, StringComparison.Ordinal);
        Assert.Contains("faxgw_line_calls_total{line=\"line1\",direction=\"send\",result=\"ok\"} 2", scrape, StringComparison.Ordinal);
        Assert.Contains("faxgw_line_failures_total{line=\"line1\",reason=\"no_carrier\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("# TYPE faxgw_modem_command_duration_seconds histogram", scrape, StringComparison.Ordinal);
        Assert.Contains("faxgw_modem_command_duration_seconds_bucket{line=\"line1\",command=\"dial\",le=\"0.05\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("faxgw_line_state{line=\"line1\",state=\"down\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("faxgw_line_state{line=\"line1\",state=\"idle\"} 0", scrape, StringComparison.Ordinal);
        Assert.Contains("faxgw_line_consecutive_failures{line=\"line1\"} 3", scrape, StringComparison.Ordinal);
        Assert.Contains("faxgw_line_last_success_time_seconds{line=\"line1\"} 1700000000", scrape, StringComparison.Ordinal);
        Assert.Contains("faxgw_queue_jobs{state=\"scheduled\"} 7", scrape, StringComparison.Ordinal);
        Assert.Contains("faxgw_queue_oldest_job_age_seconds 42", scrape, StringComparison.Ordinal);
    }

    internal static async Task<string> Scrape(CollectorRegistry registry)
    {
        using var ms = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(ms);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}

public sealed class GrafanaDashboardTests
{
    [Fact]
    public async Task Every_metric_the_dashboard_queries_is_exported()
    {
        var path = Path.Combine(LayerRulesTests.RepositoryRoot(), "docs", "grafana", "line-health.json");
        using var dashboard = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => System.Text.RegularExpressions.Regex.Matches(t.GetProperty("expr").GetString()!, "faxgw_[a-z_]+").Select(m => m.Value))
            .Select(n => System.Text.RegularExpressions.Regex.Replace(n, "_(bucket|sum|count)$", string.Empty))
            .Distinct()
            .ToArray();

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var registry = Metrics.NewCustomRegistry();
        using var bridge = new PrometheusMeterBridge(registry);
        using var metrics = new FaxMetrics(services.GetRequiredService<IMeterFactory>());
        var scrape = await MetricsExportTests.Scrape(registry);

        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.Contains($"# TYPE {name} ", scrape, StringComparison.Ordinal));
    }
}
