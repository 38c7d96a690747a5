using FaxGateway.Core.Inbound;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Core.Jobs;

/// <summary>
/// Runs first at start: applies migrations, removes half-written temporary files, commits the received calls a
/// stopped daemon left in the receive spool, then recovers jobs it left in flight.
/// </summary>
public sealed partial class QueueStartupService(
    IStorageInitializer storage,
    IFileContentStore files,
    IFileRepository fileRecords,
    InboundService inbound,
    JobService jobService,
    ILogger<QueueStartupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
        files.CleanTemporary();
        await RemoveUnrecordedFilesAsync(cancellationToken).ConfigureAwait(false);
        await inbound.RecoverSpooledAsync(cancellationToken).ConfigureAwait(false);
        await jobService.RecoverAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Files are moved into place before their record is committed (an upload, a converted document, Twilio media):
    /// a daemon killed in between leaves a file nothing refers to and nothing would ever serve or delete. Runs before
    /// the API listens and before the spool recovery (which commits its files under their own ids again).
    /// </summary>
    private async Task RemoveUnrecordedFilesAsync(CancellationToken cancellationToken)
    {
        var recorded = await fileRecords.ListRelativePathsAsync(cancellationToken).ConfigureAwait(false);
        var removed = 0;
        foreach (var stored in files.ListStored().ToList())
        {
            if (!recorded.Contains(stored))
            {
                files.Delete(stored);
                removed++;
            }
        }

        if (removed > 0)
        {
            LogUnrecordedRemoved(logger, removed);
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Removed {Count} stored file(s) that a stopped daemon left without a record")]
    private static partial void LogUnrecordedRemoved(ILogger logger, int count);
}
