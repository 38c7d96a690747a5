using FaxGateway.Core.Inbound;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.Hosting;

namespace FaxGateway.Core.Jobs;

/// <summary>
/// Runs first at start: applies migrations, removes half-written temporary files, commits the received calls a
/// stopped daemon left in the receive spool, then recovers jobs it left in flight.
/// </summary>
public sealed class QueueStartupService(IStorageInitializer storage, IFileContentStore files, InboundService inbound, JobService jobService) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
        files.CleanTemporary();
        await inbound.RecoverSpooledAsync(cancellationToken).ConfigureAwait(false);
        await jobService.RecoverAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
