using FaxGateway.Core.Lines;
using FaxGateway.Core.Metrics;
using FaxGateway.Storage;
using FaxGateway.Storage.Files;
using Microsoft.Extensions.Options;
using FaxGateway.Operations;
using Prometheus;

namespace FaxGateway.Hosting;

/// <summary>Metrics (FaxMetrics exported on /metrics), and systemd readiness and watchdog.</summary>
internal static class OperationsServices
{
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<FaxMetrics>();
        // The bridge must listen before the first instrument is created, so it is made with the metrics.
        services.AddSingleton(_ => new PrometheusMeterBridge(Metrics.DefaultRegistry));
        services.AddHostedService<MetricsStartup>();
        services.AddSingleton<LineActivity>();
        services.AddSingleton<ICallTraceStore>(sp => new FileCallTraceStore(
            Path.Combine(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory, "traces")));
        services.AddSingleton<HealthSnapshotService>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthSnapshotService>());
        services.AddSingleton<IDaemonLiveness>(sp => sp.GetRequiredService<HealthSnapshotService>());
        services.AddHostedService<SystemdNotifyService>();
        return services;
    }

    /// <summary>Creates the bridge, then the metrics, at start: an idle daemon's scrape already lists every metric.</summary>
    private sealed class MetricsStartup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<PrometheusMeterBridge>();
            services.GetRequiredService<FaxMetrics>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
