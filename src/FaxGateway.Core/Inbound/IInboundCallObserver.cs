using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;

namespace FaxGateway.Core.Inbound;

/// <summary>
/// Told when an answered call has ended and its outcome is committed: <paramref name="record"/> is the stored inbox
/// record, or null when no page arrived. Lets the face that routed the call (Twilio: <c>&lt;Receive action&gt;</c>
/// callback, Fax status) finish its own bookkeeping. Must return quickly and not throw: the line waits for it.
/// </summary>
public interface IInboundCallObserver
{
    Task OnCallEndedAsync(InboundDecision.Answer answer, IncomingCall call, FaxReceiveResult result, FaxRecord? record, CancellationToken cancellationToken);
}
