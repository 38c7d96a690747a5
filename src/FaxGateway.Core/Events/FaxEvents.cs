using FaxGateway.Core.Model;

namespace FaxGateway.Core.Events;

public enum FaxEventKind
{
    /// <summary>An outgoing job ended (sent, failed or cancelled).</summary>
    Sent,

    /// <summary>An incoming fax was stored.</summary>
    Received,
}

/// <summary>A finished fax as the callback makers see it.</summary>
public sealed record FaxEvent
{
    public required FaxEventKind Kind { get; init; }
    public required FaxRecord Fax { get; init; }

    /// <summary>The job, for outgoing faxes.</summary>
    public FaxJob? Job { get; init; }

    /// <summary>The routing decision, for incoming faxes.</summary>
    public Inbound.InboundDecision.Answer? Inbound { get; init; }

    /// <summary>The number on our side of the call (the sender for outgoing, the called number for incoming).</summary>
    public required string LocalNumber { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>
/// Turns fax events into outgoing HTTP callbacks (FAX.PLUS webhooks, Twilio status callbacks). Every
/// registered subscriber is asked before the event's transaction; the deliveries it returns are stored
/// in that same transaction and sent by the callback worker, so an event and its callbacks are never split.
/// </summary>
public interface IFaxEventSubscriber
{
    Task<IReadOnlyList<CallbackDelivery>> CreateCallbacksAsync(FaxEvent faxEvent, CancellationToken cancellationToken);
}
