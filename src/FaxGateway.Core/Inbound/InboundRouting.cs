using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Core.Inbound;

/// <summary>What to do with an incoming call.</summary>
public abstract record InboundDecision
{
    private InboundDecision()
    {
    }

    /// <summary>Answer and store the fax in <paramref name="AccountId"/>'s inbox. <paramref name="Tag"/> is the deciding handler's own reference (e.g. a Twilio fax sid).</summary>
    public sealed record Answer(string AccountId, string LocalNumber, JobOrigin Origin = JobOrigin.FaxPlus, string? Tag = null) : InboundDecision;

    public sealed record Reject(string Reason) : InboundDecision;
}

/// <summary>
/// A routing rule consulted before the default one, in registration order (e.g. Twilio's: numbers with a
/// FaxUrl ask the customer's TwiML). Returns null when the call is not its business.
/// </summary>
public interface IInboundCallHandler
{
    Task<InboundDecision?> DecideAsync(IncomingCall call, FaxLineDescriptor line, CancellationToken cancellationToken);
}

/// <summary>
/// Routes an incoming call: the registered handlers first; then the called number (or the line's own
/// number) to its first assigned member, else its owner; then the line's default account; else reject.
/// </summary>
public sealed class InboundRouter(IEnumerable<IInboundCallHandler> handlers, INumberRepository numbers, ILineRepository lines)
{
    private readonly IInboundCallHandler[] _handlers = [.. handlers];

    public async Task<InboundDecision> RouteAsync(IncomingCall call, FaxLineDescriptor line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(line);
        foreach (var handler in _handlers)
        {
            if (await handler.DecideAsync(call, line, cancellationToken).ConfigureAwait(false) is { } decision)
            {
                return decision;
            }
        }

        foreach (var candidate in new[] { call.CalledNumber, line.Number })
        {
            if (!PhoneNumbers.TryNormalize(candidate, out var normalized))
            {
                continue;
            }

            var number = await numbers.GetByNumberAsync(normalized, cancellationToken).ConfigureAwait(false);
            if (number is not null && number.Status == "active")
            {
                return new InboundDecision.Answer(number.AssignedTo.Count > 0 ? number.AssignedTo[0] : number.OwnerId, number.Number);
            }
        }

        var stored = await lines.GetAsync(line.LineId, cancellationToken).ConfigureAwait(false);
        return stored?.DefaultAccountId is { } accountId
            ? new InboundDecision.Answer(accountId, line.Number)
            : new InboundDecision.Reject($"No account receives calls on line {line.LineId}.");
    }
}
