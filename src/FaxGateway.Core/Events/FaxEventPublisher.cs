using FaxGateway.Core.Model;

namespace FaxGateway.Core.Events;

/// <summary>Asks every registered <see cref="IFaxEventSubscriber"/> for its callbacks.</summary>
public sealed class FaxEventPublisher(IEnumerable<IFaxEventSubscriber> subscribers)
{
    private readonly IFaxEventSubscriber[] _subscribers = [.. subscribers];

    public async Task<IReadOnlyList<CallbackDelivery>> CreateCallbacksAsync(FaxEvent faxEvent, CancellationToken cancellationToken)
    {
        if (_subscribers.Length == 0)
        {
            return [];
        }

        var all = new List<CallbackDelivery>();
        foreach (var subscriber in _subscribers)
        {
            all.AddRange(await subscriber.CreateCallbacksAsync(faxEvent, cancellationToken).ConfigureAwait(false));
        }

        return all;
    }
}
