using FaxGateway.Api.Callbacks;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// Finishes received Twilio faxes: the final status and, in the same transaction, the <c>&lt;Receive action&gt;</c> callback
/// (spec section 4) and any status callback, as deliveries of the persistent callback outbox (signed, retried, kept
/// across restarts). At start, and then every <see cref="SweepInterval"/>, it ends the faxes whose call no line of this
/// process is on (a killed daemon's, or one whose end could not be stored): from the committed inbox record when there
/// is one (<c>received</c>, or <c>failed</c> with the pages kept), else <c>failed</c> (34004, outcome unknown); they get
/// their callbacks too.
/// </summary>
public sealed partial class TwilioInboundWorker(
    TwilioInboundHandler handler,
    ITwilioRepository twilio,
    IFaxRepository faxes,
    TwilioFaxService service,
    CallbackSignal callbackSignal,
    TimeProvider time,
    IOptions<TwilioOptions> options,
    ILogger<TwilioInboundWorker> logger) : BackgroundService
{
    /// <summary>How often faxes left receiving are looked for while the daemon runs.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    /// <summary>The error text of a fax whose call a stopped daemon never finished.</summary>
    public const string InterruptedMessage = "Interrupted: the gateway stopped during the call";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RecoverAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRecoveryFailed(logger, ex);
            }

            if (!options.Value.BackgroundWorkers)
            {
                return;
            }

            try
            {
                await Task.Delay(SweepInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Ends every fax still <c>receiving</c> whose call is not on a line of this process: received (from its committed
    /// inbox record) or failed (34004, the outcome is unknown). Returns how many were ended.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var fax in await twilio.ListReceivingAsync(1000, cancellationToken).ConfigureAwait(false))
        {
            if (handler.IsLive(fax.Sid))
            {
                continue;
            }

            var record = fax.FaxRecordId is null ? null : await faxes.GetAsync(fax.AccountId, fax.FaxRecordId, cancellationToken).ConfigureAwait(false);
            var final = record is null
                ? Final(fax, null, FailureKind.Interrupted, InterruptedMessage, null, fax.DurationSeconds)
                : Final(fax, record, record.Failure, record.Description, record.RemoteIdent, record.DurationSeconds);
            if (await StoreAsync(fax, final, cancellationToken).ConfigureAwait(false))
            {
                LogRecovered(logger, fax.Sid, final.Status);
                count++;
            }

            handler.Forget(fax.Sid);
        }

        return count;
    }

    /// <summary>Applies one ended call: <paramref name="record"/> is its inbox record, null when no page arrived.</summary>
    public async Task FinishAsync(string faxSid, FaxReceiveResult result, FaxRecord? record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var fax = await twilio.GetFaxBySidAsync(faxSid, cancellationToken).ConfigureAwait(false);
        if (fax is null || fax.Status != TwilioFaxStatus.Receiving)
        {
            return;
        }

        var failure = record is null && result.Failure == FailureKind.None ? FailureKind.ProtocolError : result.Failure;
        var final = Final(
            fax,
            record,
            failure,
            $"{result.Failure}: {result.HangupReason}",
            result.RemoteIdent,
            record?.DurationSeconds ?? (int)Math.Round(result.Duration.TotalSeconds));
        await StoreAsync(fax, final, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The final state of an inbound fax: received when pages were stored and the session succeeded, else failed.</summary>
    private TwilioFax Final(TwilioFax fax, FaxRecord? record, FailureKind failure, string errorMessage, string? remoteIdent, int? durationSeconds)
    {
        var ok = record is not null && failure == FailureKind.None;
        return fax with
        {
            Status = ok ? TwilioFaxStatus.Received : TwilioFaxStatus.Failed,
            FaxRecordId = record?.Id,
            NumPages = record?.Pages,
            DurationSeconds = durationSeconds,
            RemoteStationId = string.IsNullOrEmpty(remoteIdent) ? null : remoteIdent,
            MediaFileId = record?.FileId,
            MediaSid = record?.FileId is null ? null : TwilioFax.NewMediaSid(),
            ErrorCode = ok ? null : TwilioFaxStatus.ErrorCodeFor(failure == FailureKind.None ? FailureKind.ProtocolError : failure),
            ErrorMessage = ok ? null : errorMessage,
            DateUpdated = time.GetUtcNow(),
        };
    }

    /// <summary>Stores the final state with its callbacks in one transaction (only if the fax is still receiving).</summary>
    private async Task<bool> StoreAsync(TwilioFax fax, TwilioFax final, CancellationToken cancellationToken)
    {
        var account = await twilio.GetAccountAsync(fax.AccountId, cancellationToken).ConfigureAwait(false);
        var action = account is null ? null : TwilioActionCallbacks.Create(final, account, service.PublicBaseUrl, final.DateUpdated);
        var status = account is null ? null : TwilioStatusCallbacks.Create(final, account, service.PublicBaseUrl, final.DateUpdated);
        CallbackDelivery[] callbacks = [.. new[] { action, status }.OfType<CallbackDelivery>()];
        if (!await twilio.UpdateFaxAsync(final, fax.Status, callbacks, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (callbacks.Length > 0)
        {
            callbackSignal.Signal.Pulse();
        }

        // storeMedia=false (spec 4): the media lives only for the action callback (deleted once it was answered, by
        // TwilioActionTransport); without a callback to serve it to, it goes now.
        if (!final.StoreMedia && final.MediaSid is not null && action is null && account is not null)
        {
            await service.DeleteMediaAsync(account, final.Sid, final.MediaSid, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    [LoggerMessage(EventId = 7303, Level = LogLevel.Error, Message = "Twilio inbound recovery failed")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7309, Level = LogLevel.Warning, Message = "Twilio fax {FaxSid} was left receiving (daemon stopped or line failed during the call): ended {Status}")]
    private static partial void LogRecovered(ILogger logger, string faxSid, string status);
}
