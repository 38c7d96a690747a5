using System.Text.Json;
using FaxGateway.Api.Callbacks;
using FaxGateway.Api.Tests.Support;
using FaxGateway.Core;
using FaxGateway.Core.Events;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Api.Tests;

public sealed class WebhookDeliveryTests
{
    private static async Task<(string HookId, string Secret)> RegisterAsync(HttpClient client, Uri target, string eventName)
    {
        var json = await (await client.PostAsync("/v3/hooks", Http.Json(JsonSerializer.Serialize(new { target = target.ToString(), @event = eventName })))).ReadJsonAsync();
        return (json.GetProperty("id").GetString()!, json.GetProperty("secret").GetString()!);
    }

    /// <summary>Stores a received fax and its webhook deliveries in one transaction, as the inbound path does.</summary>
    private static async Task<FaxRecord> ReceiveFaxAsync(GatewayFactory factory, string accountId, string localNumber)
    {
        var session = FaxIds.NewShort();
        var record = new FaxRecord
        {
            Id = FaxIds.NewShort(), AccountId = accountId, Direction = FaxDirection.Incoming, Status = "success", From = "+41445550001",
            To = localNumber, Pages = 2, FileName = "fax-from-41445550001", StartTime = factory.Time.GetUtcNow(), SessionId = session, HookId = session,
            LastUpdate = factory.Time.GetUtcNow(),
        };
        var callbacks = await factory.Get<FaxEventPublisher>().CreateCallbacksAsync(
            new FaxEvent { Kind = FaxEventKind.Received, Fax = record, LocalNumber = localNumber, At = factory.Time.GetUtcNow() }, CancellationToken.None);
        await factory.Get<IFaxRepository>().AddReceivedAsync(record, null, callbacks, CancellationToken.None);
        return record;
    }

    [Fact]
    public async Task Fax_received_is_delivered_signed_and_retried_with_backoff()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var factory = new GatewayFactory();
        var (account, client) = await factory.CreateAccountAsync();
        var target = new Uri(listener.BaseAddress, "hooks/inbox");
        var (_, secret) = await RegisterAsync(client, target, "fax_received");
        await RegisterAsync(client, new Uri(listener.BaseAddress, "hooks/sent"), "fax_sent");
        var fax = await ReceiveFaxAsync(factory, account.Id, "+41445550002");
        var sender = factory.Get<CallbackDeliveryService>();

        listener.AnswerNext(500);
        Assert.Equal(1, await sender.DeliverDueAsync(CancellationToken.None));
        Assert.Equal(0, await sender.DeliverDueAsync(CancellationToken.None));
        factory.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await sender.DeliverDueAsync(CancellationToken.None));
        factory.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await sender.DeliverDueAsync(CancellationToken.None));
        Assert.Equal(0, await sender.DeliverDueAsync(CancellationToken.None));
        factory.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await sender.DeliverDueAsync(CancellationToken.None));

        Assert.Equal(2, listener.Requests.Count);
        var request = listener.Requests.Last();
        Assert.Equal("/hooks/inbox", request.Path);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(secret, request.Body, request.Headers[WebhookSignature.HeaderName]));
        Assert.False(WebhookSignature.Verify(secret, [.. request.Body, (byte)' '], request.Headers[WebhookSignature.HeaderName]));
        Assert.Equal(listener.Requests.First().Headers[WebhookSignature.DeliveryHeaderName], request.Headers[WebhookSignature.DeliveryHeaderName]);

        using var body = JsonDocument.Parse(request.Body);
        var hook = body.RootElement.GetProperty("hook");
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(fax.HookId, hook.GetProperty("id").GetString());
        Assert.Equal("fax_received", hook.GetProperty("event").GetString());
        Assert.Equal(target.ToString(), hook.GetProperty("target").GetString());
        Assert.Equal("2026-11-22 12:00:00", hook.GetProperty("event_time").GetString());
        Assert.Equal(fax.SessionId, data.GetProperty("id").GetString());
        Assert.Equal(account.Id, data.GetProperty("uid").GetString());
        Assert.Equal(2, data.GetProperty("pages").GetInt32());
        Assert.Equal("+41445550001", data.GetProperty("from").GetString());
        Assert.Equal("+41445550001", data.GetProperty("from_number").GetString());
        Assert.Equal("+41445550002", data.GetProperty("to_number").GetString());
        Assert.Equal("success", data.GetProperty("status").GetString());
        Assert.Equal(fax.Id + ".tiff", data.GetProperty("file").GetString());
    }

    [Fact]
    public async Task Hooks_with_a_numbers_filter_fire_only_for_those_numbers()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var factory = new GatewayFactory();
        var (account, client) = await factory.CreateAccountAsync();
        await client.PostAsync("/v3/hooks", Http.Json($"{{\"target\":\"{listener.BaseAddress}only\",\"event\":\"fax_received\",\"numbers\":[\"+41445550009\"]}}"));
        await ReceiveFaxAsync(factory, account.Id, "+41445550002");
        await ReceiveFaxAsync(factory, account.Id, "+41445550009");
        await factory.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);
        var only = Assert.Single(listener.Requests);
        using var body = JsonDocument.Parse(only.Body);
        Assert.Equal("+41445550009", body.RootElement.GetProperty("data").GetProperty("to").GetString());
    }

    [Fact]
    public async Task A_delivery_stored_before_a_restart_is_sent_after_it()
    {
        await using var listener = await CallbackListener.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "faxgw-restart-" + Guid.NewGuid().ToString("N"));
        string secret;
        using (var first = new GatewayFactory { DataDirectory = data, KeepData = true })
        {
            var (account, client) = await first.CreateAccountAsync();
            (_, secret) = await RegisterAsync(client, new Uri(listener.BaseAddress, "after-restart"), "fax_received");
            await ReceiveFaxAsync(first, account.Id, "+41445550002");
        }

        Assert.Empty(listener.Requests);
        using (var second = new GatewayFactory { DataDirectory = data })
        {
            _ = second.Server;
            Assert.Equal(1, await second.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None));
        }

        var request = Assert.Single(listener.Requests);
        Assert.True(WebhookSignature.Verify(secret, request.Body, request.Headers[WebhookSignature.HeaderName]));
    }

    [Fact]
    public async Task A_delivery_is_given_up_after_its_attempt_budget()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var factory = new GatewayFactory();
        var (account, client) = await factory.CreateAccountAsync();
        await RegisterAsync(client, new Uri(listener.BaseAddress, "down"), "fax_received");
        await ReceiveFaxAsync(factory, account.Id, "+41445550002");
        listener.AnswerNext([.. Enumerable.Repeat(503, 25)]);
        var sender = factory.Get<CallbackDeliveryService>();
        for (var i = 0; i < 25; i++)
        {
            await sender.DeliverDueAsync(CancellationToken.None);
            factory.Time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(20, listener.Requests.Count);
        Assert.Null(await factory.Get<ICallbackQueue>().NextDueAsync(CancellationToken.None));
    }
}
