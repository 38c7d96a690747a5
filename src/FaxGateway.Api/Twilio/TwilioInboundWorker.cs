using FaxGateway.Core.Model;
using FaxGateway.Core.Twilio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// Finishes received Twilio faxes after the line let go: final status, media, the <c>&lt;Receive action&gt;</c> callback
/// (spec section 4), then, with storeMedia=false, deletes the media once the callback succeeded.
/// </summary>
public sealed partial class TwilioInboundWorker(
    TwilioInboundHandler handler,
    ITwilioRepository twilio,
    TwilioFaxService service,
    IServiceProvider services,
    TimeProvider time,
    IOptions<TwilioOptions> options,
    ILogger<TwilioInboundWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken).ConfigureAwait(false);
        if (!options.Value.BackgroundWorkers)
        {
            return;
        }

        await foreach (var completion in handler.Completions.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await CompleteAsync(completion, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCompletionFailed(logger, completion.FaxSid, ex);
            }
        }
    }

    /// <summary>
    /// Start-up: a fax still <c>receiving</c> belongs to a call a stopped daemon never finished (its TwiML session lived
    /// in memory), so it ends <c>failed</c>; a page stored before the stop is in the FAX.PLUS inbox all the same.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var fax in await twilio.ListReceivingAsync(1000, cancellationToken).ConfigureAwait(false))
        {
            if (handler.TakeSession(fax.Sid) is not null)
            {
                continue;
            }

            var failed = fax with
            {
                Status = TwilioFaxStatus.Failed,
                ErrorCode = TwilioErrorCodes.TransmissionError,
                ErrorMessage = "Interrupted: the gateway stopped during the call",
                DateUpdated = time.GetUtcNow(),
            };
            if (await twilio.UpdateFaxAsync(failed, fax.Status, [], cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Applies one ended call.</summary>
    public async Task CompleteAsync(TwilioInboundCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var session = handler.TakeSession(completion.FaxSid);
        var fax = await twilio.GetFaxBySidAsync(completion.FaxSid, cancellationToken).ConfigureAwait(false);
        if (fax is null || fax.Status != TwilioFaxStatus.Receiving)
        {
            return;
        }

        var record = completion.Record;
        var result = completion.Result;
        var ok = record is not null && result.Failure == FailureKind.None;
        var final = fax with
        {
            Status = ok ? TwilioFaxStatus.Received : TwilioFaxStatus.Failed,
            FaxRecordId = record?.Id,
            NumPages = record?.Pages,
            DurationSeconds = record?.DurationSeconds ?? (int)Math.Round(result.Duration.TotalSeconds),
            RemoteStationId = string.IsNullOrEmpty(result.RemoteIdent) ? null : result.RemoteIdent,
            MediaFileId = record?.FileId,
            MediaSid = record?.FileId is null ? null : TwilioFax.NewMediaSid(),
            ErrorCode = ok ? null : TwilioFaxStatus.ErrorCodeFor(result.Failure == FailureKind.None ? FailureKind.ProtocolError : result.Failure),
            ErrorMessage = ok ? null : $"{result.Failure}: {result.HangupReason}",
            DateUpdated = time.GetUtcNow(),
        };
        if (!await twilio.UpdateFaxAsync(final, fax.Status, [], cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var delivered = false;
        if (session?.Route.Receive.Action is not null)
        {
            var mediaUrl = final.MediaSid is not null && service.PublicBaseUrl is { } baseUrl ? $"{baseUrl}/v1/Faxes/{final.Sid}/Media/{final.MediaSid}" : null;
            var outcome = new TwimlReceiveOutcome(final.Status, ok ? final.NumPages : null, final.RemoteStationId, mediaUrl, final.ErrorCode, final.ErrorMessage);
            delivered = await services.GetRequiredService<TwimlCallRouter>().SendActionAsync(session.Call, session.Route, outcome, cancellationToken).ConfigureAwait(false);
        }

        // storeMedia=false (spec 4): the media lived only for the action callback; it goes once that succeeded
        // (or at once when there is no callback to serve it to).
        if (!final.StoreMedia && final.MediaSid is not null && (delivered || session?.Route.Receive.Action is null))
        {
            var account = await twilio.GetAccountAsync(final.AccountId, cancellationToken).ConfigureAwait(false);
            if (account is not null)
            {
                await service.DeleteMediaAsync(account, final.Sid, final.MediaSid, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 7303, Level = LogLevel.Error, Message = "Twilio fax {FaxSid}: finishing the received fax failed")]
    private static partial void LogCompletionFailed(ILogger logger, string faxSid, Exception exception);
}
