using System.Collections.Concurrent;
using System.Threading.Channels;
using FaxGateway.Core;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Api.Twilio;

/// <summary>A call answered because of <c>&lt;Receive&gt;</c>, remembered until it ends.</summary>
public sealed record TwilioInboundSession(TwimlCall Call, TwimlRouteReceive Route);

/// <summary>An ended call, handed from the line to the Twilio inbound worker.</summary>
public sealed record TwilioInboundCompletion(string FaxSid, FaxReceiveResult Result, FaxRecord? Record);

/// <summary>
/// The inbound seam of the Twilio face. Before a line answers a call to a number with a FaxUrl, this handler creates
/// the Fax (FX sid), asks the tenant's TwiML (FaxUrl, then fallback) and answers (<c>&lt;Receive&gt;</c>) or refuses
/// (<c>&lt;Reject/&gt;</c>, or TwiML that failed: the Fax ends canceled / failed). When the call has ended, the outcome goes
/// to <see cref="TwilioInboundWorker"/> so the line is not held by the action callback.
/// </summary>
public sealed partial class TwilioInboundHandler(
    ITwilioRepository twilio,
    INumberRepository numbers,
    IServiceProvider services,
    TimeProvider time,
    ILogger<TwilioInboundHandler> logger) : IInboundCallHandler, IInboundCallObserver
{
    private readonly ConcurrentDictionary<string, TwilioInboundSession> _sessions = new(StringComparer.Ordinal);
    private readonly Channel<TwilioInboundCompletion> _completions = Channel.CreateUnbounded<TwilioInboundCompletion>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Ended calls waiting for their action callback.</summary>
    public ChannelReader<TwilioInboundCompletion> Completions => _completions.Reader;

    /// <summary>The session of an answered call, removed on read.</summary>
    public TwilioInboundSession? TakeSession(string faxSid) => _sessions.TryRemove(faxSid, out var session) ? session : null;

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

        await _completions.Writer.WriteAsync(new TwilioInboundCompletion(answer.Tag, result, record), cancellationToken).ConfigureAwait(false);
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
                _sessions[fax.Sid] = new TwilioInboundSession(twimlCall, receive);
                await twilio.AddFaxAsync(fax with { StoreMedia = receive.Receive.StoreMedia, MediaContentType = receive.Receive.MediaType }, [], cancellationToken).ConfigureAwait(false);
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
}
