using FaxGateway.Core.Ports;
using Microsoft.Extensions.Hosting;

namespace FaxGateway.Core.Jobs;

/// <summary>Runs first at start: applies migrations, removes half-written temporary files, then recovers jobs a stopped daemon left in flight.</summary>
public sealed class QueueStartupService(IStorageInitializer storage, IFileContentStore files, JobService jobService) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
        files.CleanTemporary();
        await jobService.RecoverAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
