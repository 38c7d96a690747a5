using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Api.Twilio;

/// <summary>Runs <see cref="TwilioFaxService.ProcessOpenAsync"/> when woken and every poll interval.</summary>
public sealed partial class TwilioOutboundWorker(
    TwilioFaxService service,
    TwilioWorkSignal signal,
    IOptions<TwilioOptions> options,
    TimeProvider time,
    ILogger<TwilioOutboundWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await service.ApplyConfiguredNumbersAsync(stoppingToken).ConfigureAwait(false);
        if (!options.Value.BackgroundWorkers)
        {
            return;
        }

        await service.RecoverAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            var pulse = signal.Current;
            try
            {
                // Work until a pass changes nothing, so a burst of new faxes is handled without waiting a poll each.
                while (await service.ProcessOpenAsync(stoppingToken).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPassFailed(logger, ex);
            }

            try
            {
                await pulse.WaitAsync(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Poll interval passed: look again.
            }
        }
    }

    [LoggerMessage(EventId = 7203, Level = LogLevel.Error, Message = "Twilio outbound pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
