using FaxGateway.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Core.Jobs;

/// <summary>Periodic chores: fail jobs past their kill time, remove expired unused uploads (record, then file).</summary>
public sealed partial class MaintenanceService(
    JobService jobService,
    IFileRepository files,
    IFileContentStore store,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<MaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogError(logger, e);
                await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        while (await jobService.ExpireAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
        }

        foreach (var file in await files.ListExpiredUploadsAsync(time.GetUtcNow(), 100, cancellationToken).ConfigureAwait(false))
        {
            if (await files.DeleteAsync(file.AccountId, file.Id, cancellationToken).ConfigureAwait(false))
            {
                store.Delete(file.RelativePath);
            }
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Error, Message = "Maintenance error")]
    private static partial void LogError(ILogger logger, Exception exception);
}
