using FaxGateway.Core.Metrics;

namespace FaxGateway.Operations;

/// <summary>Creates the Prometheus bridge and the FaxGateway meter at start, so an idle daemon's scrape lists every metric.</summary>
internal sealed class MetricsStartupService(PrometheusMeterBridge bridge, FaxMetrics metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(bridge);
        GC.KeepAlive(metrics);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
