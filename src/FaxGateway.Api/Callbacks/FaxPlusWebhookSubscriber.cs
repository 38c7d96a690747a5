using System.Text.Json;
using FaxGateway.Api.FaxPlus;
using FaxGateway.Core;
using FaxGateway.Core.Events;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Api.Callbacks;

/// <summary>
/// Makes the FAX.PLUS <c>fax_sent</c> / <c>fax_received</c> webhook deliveries of an event, one per
/// matching hook of the fax's account, with the body signed by the hook's secret.
/// </summary>
public sealed class FaxPlusWebhookSubscriber(IWebhookRepository hooks, TimeProvider time) : IFaxEventSubscriber
{
    public async Task<IReadOnlyList<CallbackDelivery>> CreateCallbacksAsync(FaxEvent faxEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(faxEvent);
        var eventName = faxEvent.Kind == FaxEventKind.Sent ? "fax_sent" : "fax_received";
        var matching = (await hooks.ListAsync(faxEvent.Fax.AccountId, eventName, cancellationToken).ConfigureAwait(false))
            .Where(h => h.Numbers.Count == 0 || h.Numbers.Contains(faxEvent.LocalNumber))
            .ToList();
        if (matching.Count == 0)
        {
            return [];
        }

        var fax = faxEvent.Fax;
        var data = new WebhookCallbackData
        {
            Id = fax.SessionId,
            Uid = fax.AccountId,
            Pages = fax.Pages,
            From = fax.From,
            To = fax.To,
            FromNumber = fax.From,
            ToNumber = fax.To,
            StartTime = FaxPlusJson.Utc(fax.StartTime),
            File = fax.Id + ".tiff",
            FileName = fax.FileName,
            Cost = fax.Pages,
            Status = FaxStatuses.All.Contains(fax.Status) ? fax.Status : FaxStatuses.Failed,
        };
        var now = time.GetUtcNow();
        var deliveries = new List<CallbackDelivery>(matching.Count);
        foreach (var hook in matching)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(
                new WebhookCallback(new WebhookCallbackHook(fax.HookId, eventName, FaxPlusJson.Utc(faxEvent.At), hook.Target.ToString()), data),
                FaxPlusJson.Options);
            var id = FaxIds.NewLong();
            deliveries.Add(new CallbackDelivery
            {
                Id = id,
                AccountId = fax.AccountId,
                Source = "faxplus." + eventName,
                Url = hook.Target,
                ContentType = "application/json",
                Body = body,
                Headers = new Dictionary<string, string>
                {
                    [WebhookSignature.HeaderName] = WebhookSignature.Sign(hook.SigningSecret, body),
                    [WebhookSignature.DeliveryHeaderName] = id,
                    [WebhookSignature.EventHeaderName] = eventName,
                },
                NextAttemptAt = now,
                CreatedAt = now,
            });
        }

        return deliveries;
    }
}
