using System.Collections.Concurrent;
using FaxGateway.Core;
using FaxGateway.Core.Events;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// The inbound seam of the Twilio face. Before a line answers a call to a number with a FaxUrl, this handler creates
/// the Fax (FX sid), asks the tenant's TwiML (FaxUrl, then fallback) and answers (<c>&lt;Receive&gt;</c>, its action stored
/// on the Fax) or refuses (<c>&lt;Reject/&gt;</c>, or TwiML that failed: the Fax ends canceled / failed). Just before the
/// received fax is committed to the inbox it notes the record on the Fax (as an event subscriber), so a restart in
/// between still knows the outcome; when the call has ended, <see cref="TwilioInboundWorker.FinishAsync"/> stores the
/// final status with its action callback in the persistent outbox (no HTTP on the line's time).
/// </summary>
public sealed partial class TwilioInboundHandler(
    ITwilioRepository twilio,
    INumberRepository numbers,
    IServiceProvider services,
    TimeProvider time,
    ILogger<TwilioInboundHandler> logger) : IInboundCallHandler, IInboundCallObserver, IFaxEventSubscriber
{
    /// <summary>
    /// A call whose inbox record was committed is finished a moment later (<see cref="OnCallEndedAsync"/>); if storing
    /// that end failed, the recovery sweep finishes the fax once this long has passed since the commit.
    /// </summary>
    public static readonly TimeSpan EndingGrace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Faxes of calls this process answered and has not finished, with the time their inbox record was committed (null
    /// while the line receives): the recovery sweep leaves them alone.
    /// </summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset?> _live = new(StringComparer.Ordinal);

    /// <summary>Whether the fax's call is (still, or only just no longer) on a line of this process.</summary>
    public bool IsLive(string faxSid) =>
        _live.TryGetValue(faxSid, out var committed) && (committed is null || time.GetUtcNow() - committed < EndingGrace);

    /// <summary>The fax was finished by the recovery sweep: this process no longer tracks its call.</summary>
    public void Forget(string faxSid) => _live.TryRemove(faxSid, out _);

    public async Task<InboundDecision?> DecideAsync(IncomingCall call, FaxLineDescriptor line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(line);
        foreach (var candidate in new[] { call.CalledNumber, line.Number })
        {
            if (!PhoneNumbers.TryNormalize(candidate, out var to))
            {
                continue;
            }

            var routing = await twilio.GetNumberAsync(to, cancellationToken).ConfigureAwait(false);
            if (routing is null)
            {
                continue;
            }

            var number = await numbers.GetByNumberAsync(to, cancellationToken).ConfigureAwait(false);
            if (number is null || number.Status != "active")
            {
                continue;
            }

            var accountId = number.AssignedTo.Count > 0 ? number.AssignedTo[0] : number.OwnerId;
            return await RouteAsync(call, to, accountId, routing.Routing, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    public async Task OnCallEndedAsync(InboundDecision.Answer answer, IncomingCall call, FaxReceiveResult result, FaxRecord? record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Origin != JobOrigin.Twilio || answer.Tag is null)
        {
            return;
        }

        try
        {
            // Not cancellable: the call is over and its outcome must be stored even while the daemon stops.
            await services.GetRequiredService<TwilioInboundWorker>().FinishAsync(answer.Tag, result, record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The line must not fail for it: the Fax stays receiving and the recovery sweep finishes it.
            LogFinishFailed(logger, answer.Tag, ex);
        }
        finally
        {
            _live.TryRemove(answer.Tag, out _);
        }
    }

    /// <summary>
    /// Just before a received fax of a Twilio-routed call is committed: notes its record id on the Fax. If the daemon
    /// stops before the call's end is applied, recovery finds the record and reports what was received.
    /// </summary>
    public async Task<IReadOnlyList<CallbackDelivery>> CreateCallbacksAsync(FaxEvent faxEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(faxEvent);
        if (faxEvent.Kind != FaxEventKind.Received || faxEvent.Inbound is not { Origin: JobOrigin.Twilio, Tag: { } faxSid })
        {
            return [];
        }

        try
        {
            var fax = await twilio.GetFaxBySidAsync(faxSid, CancellationToken.None).ConfigureAwait(false);
            if (fax is { Status: TwilioFaxStatus.Receiving })
            {
                await twilio.UpdateFaxAsync(fax with { FaxRecordId = faxEvent.Fax.Id }, fax.Status, [], CancellationToken.None).ConfigureAwait(false);
            }

            if (_live.TryGetValue(faxSid, out var committed) && committed is null)
            {
                _live.TryUpdate(faxSid, time.GetUtcNow(), null);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never in the way of storing the received fax: without the note, recovery after a crash reports it failed.
            LogNoteFailed(logger, faxSid, ex);
        }

        return [];
    }

    private async Task<InboundDecision> RouteAsync(IncomingCall call, string to, string accountId, TwilioNumberRouting routing, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var account = await twilio.EnsureAccountAsync(accountId, now, cancellationToken).ConfigureAwait(false);
        var from = call.CallerNumber;
        var twimlCall = new TwimlCall(TwilioFax.NewFaxSid(), account.Credentials, from, to, routing);
        var decision = await services.GetRequiredService<TwimlCallRouter>().RouteAsync(twimlCall, cancellationToken).ConfigureAwait(false);
        var fax = new TwilioFax
        {
            Sid = twimlCall.FaxSid,
            AccountId = accountId,
            Direction = TwilioFaxDirection.Inbound,
            Status = TwilioFaxStatus.Receiving,
            From = from,
            To = to,
            DateCreated = now,
            DateUpdated = time.GetUtcNow(),
        };

        switch (decision)
        {
            case TwimlRouteReceive receive:
                string? action = null;
                try
                {
                    action = receive.ActionUrl?.OriginalString;
                }
                catch (TwimlException ex)
                {
                    // The fax is still received; only the callback cannot be made.
                    LogUnusableAction(logger, fax.Sid, ex.Message);
                }

                _live[fax.Sid] = null;
                try
                {
                    await twilio.AddFaxAsync(
                        fax with { StoreMedia = receive.Receive.StoreMedia, MediaContentType = receive.Receive.MediaType, ActionUrl = action, ActionMethod = receive.Receive.Method },
                        [],
                        cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    _live.TryRemove(fax.Sid, out _);
                    throw;
                }

                LogReceive(logger, fax.Sid, to);
                return new InboundDecision.Answer(accountId, to, JobOrigin.Twilio, fax.Sid);

            case TwimlRouteReject reject:
                await twilio.AddFaxAsync(fax with { Status = TwilioFaxStatus.Canceled }, [], cancellationToken).ConfigureAwait(false);
                LogReject(logger, fax.Sid, to);
                return new InboundDecision.Reject($"TwiML <Reject/> for fax {fax.Sid}" + (reject.Reason is null ? "" : $" ({reject.Reason})"));

            case TwimlRouteFail fail:
                await twilio.AddFaxAsync(fax with { Status = TwilioFaxStatus.Failed, ErrorCode = fail.ErrorCode, ErrorMessage = fail.ErrorMessage }, [], cancellationToken).ConfigureAwait(false);
                return new InboundDecision.Reject($"TwiML for fax {fax.Sid} failed ({fail.ErrorCode}): {fail.ErrorMessage}");

            default:
                throw new InvalidOperationException("Unknown TwiML routing decision " + decision.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Fax {FaxSid} to {To}: TwiML says <Receive>")]
    private static partial void LogReceive(ILogger logger, string faxSid, string to);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Information, Message = "Fax {FaxSid} to {To}: TwiML says <Reject/>")]
    private static partial void LogReject(ILogger logger, string faxSid, string to);

    [LoggerMessage(EventId = 7306, Level = LogLevel.Warning, Message = "Fax {FaxSid}: no action callback: {ErrorMessage}")]
    private static partial void LogUnusableAction(ILogger logger, string faxSid, string errorMessage);

    [LoggerMessage(EventId = 7307, Level = LogLevel.Error, Message = "Fax {FaxSid}: storing the end of the call failed; the recovery sweep finishes it")]
    private static partial void LogFinishFailed(ILogger logger, string faxSid, Exception exception);

    [LoggerMessage(EventId = 7308, Level = LogLevel.Warning, Message = "Fax {FaxSid}: the received record could not be noted on the Fax")]
    private static partial void LogNoteFailed(ILogger logger, string faxSid, Exception exception);
}
