using System.Net;
using System.Text.Json;
using FaxGateway.Api.Callbacks;
using FaxGateway.Api.Twilio;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FaxGateway.Api.Tests.Twilio;

/// <summary>
/// An incoming call through the daemon's real inbound path (InboundService, routing, storage) with a line test double:
/// the tenant's TwiML app decides, the Fax and the FAX.PLUS inbox record are the same fax.
/// </summary>
public sealed class TwilioInboundTests : IDisposable
{
    private const string Number = "+41441234567";
    private const string Caller = "+41445550000";
    private readonly TwilioGatewayFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<(TestAccount Account, LocalWebApp App)> SetUpAsync(string twiml, bool failingFaxUrl = false)
    {
        var account = await _factory.CreateAccountAsync(Number);
        var app = await LocalWebApp.StartAsync(account.Twilio.AuthToken, (a, _) =>
        {
            a.MapPost("/incoming", () => failingFaxUrl ? Results.StatusCode(500) : Results.Content(twiml, "text/xml"));
            a.MapPost("/fallback", () => Results.Content("<Response><Reject/></Response>", "text/xml"));
            a.MapPost("/received", () => Results.NoContent());
        });
        await _factory.Get<ITwilioRepository>().UpsertNumberAsync(new TwilioNumberConfig
        {
            Number = Number,
            Routing = new TwilioNumberRouting(app.Url("/incoming")),
            UpdatedAt = _factory.Time.GetUtcNow(),
        }, CancellationToken.None);
        return (account, app);
    }

    private async Task<ReceivingTestLine> RingAsync(int pages = 2)
    {
        var line = new ReceivingTestLine { Pages = pages };
        var call = new IncomingCall { LineId = line.LineId, CallerNumber = Caller, CalledNumber = Number, RingAt = _factory.Time.GetUtcNow() };
        await _factory.Get<InboundService>().HandleAsync(line, new FaxLineDescriptor(line.LineId, Number), call, CancellationToken.None);

        // The line is free again; the action callback waits in the persistent outbox (its sender is driven here).
        await _factory.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);

        return line;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Receive_answers_stores_the_fax_once_for_both_faces_and_calls_the_action_signed()
    {
        var (account, app) = await SetUpAsync("<Response><Receive action=\"/received\"/></Response>");
        await using var _ = app;

        var line = await RingAsync();

        Assert.Equal(1, line.Received);
        var incoming = app.Requests.First();
        Assert.Equal("/incoming", incoming.Path.Value);
        Assert.True(incoming.SignatureValid);
        Assert.Equal(Caller, incoming.FormValue("From"));
        Assert.Equal(Number, incoming.FormValue("To"));
        Assert.Equal(account.Twilio.AccountSid, incoming.FormValue("AccountSid"));
        var sid = incoming.FormValue("FaxSid")!;

        var fax = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"));
        Assert.Equal("received", fax.GetProperty("status").GetString());
        Assert.Equal("inbound", fax.GetProperty("direction").GetString());
        Assert.Equal(2, fax.GetProperty("num_pages").GetInt32());
        var mediaSid = fax.GetProperty("media_sid").GetString()!;

        var action = Assert.Single(app.Requests, r => r.Path == "/received");
        Assert.True(action.SignatureValid);
        Assert.Equal(sid, action.FormValue("FaxSid"));
        Assert.Equal("received", action.FormValue("FaxStatus"));
        Assert.Equal("2", action.FormValue("NumPages"));
        Assert.Equal("ACME FAX", action.FormValue("RemoteStationId"));
        Assert.Equal($"https://gateway.example/v1/Faxes/{sid}/Media/{mediaSid}", action.FormValue("MediaUrl"));

        // mediaType defaults to PDF: the TIFF-F pages are served rendered.
        var media = await account.Basic.GetAsync($"/v1/Faxes/{sid}/Media/{mediaSid}");
        Assert.Equal("application/pdf", media.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await media.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);

        // The same fax in the FAX.PLUS inbox.
        var inbox = await JsonAsync(await account.FaxPlus.GetAsync("/v3/accounts/self/faxes?category=inbox"));
        var record = Assert.Single(inbox.GetProperty("data").GetProperty("records").EnumerateArray());
        Assert.Equal(2, record.GetProperty("pages").GetInt32());
    }

    [Fact]
    public async Task Tiff_media_without_store_is_deleted_after_the_action_succeeded()
    {
        var (account, app) = await SetUpAsync("<Response><Receive action=\"/received\" mediaType=\"image/tiff\" storeMedia=\"false\"/></Response>");
        await using var _ = app;

        await RingAsync();

        var action = Assert.Single(app.Requests, r => r.Path == "/received");
        Assert.NotNull(action.FormValue("MediaUrl"));
        var sid = action.FormValue("FaxSid")!;
        var fax = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"));
        Assert.Equal("received", fax.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, fax.GetProperty("media_sid").ValueKind);
        Assert.Equal(0, (await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}/Media"))).GetProperty("media").GetArrayLength());
    }

    [Fact]
    public async Task Reject_does_not_answer_and_ends_canceled()
    {
        var (account, app) = await SetUpAsync("<Response><Reject/></Response>");
        await using var _ = app;

        var line = await RingAsync();

        Assert.Equal(0, line.Received);
        Assert.Equal(1, line.Rejected);
        var fax = (await JsonAsync(await account.Basic.GetAsync("/v1/Faxes"))).GetProperty("faxes")[0];
        Assert.Equal("canceled", fax.GetProperty("status").GetString());
        Assert.DoesNotContain(app.Requests, r => r.Path == "/received");
    }

    [Fact]
    public async Task Failing_fax_url_without_fallback_refuses_the_call_and_fails_the_fax()
    {
        var (account, app) = await SetUpAsync("", failingFaxUrl: true);
        await using var _ = app;

        var line = await RingAsync();

        Assert.Equal(1, line.Rejected);
        var fax = (await JsonAsync(await account.Basic.GetAsync("/v1/Faxes"))).GetProperty("faxes")[0];
        Assert.Equal("failed", fax.GetProperty("status").GetString());
        Assert.Equal(TwilioErrorCodes.HttpRetrievalFailure, fax.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task No_pages_received_fails_the_fax_and_reports_it_to_the_action()
    {
        var (account, app) = await SetUpAsync("<Response><Receive action=\"/received\"/></Response>");
        await using var _ = app;

        await RingAsync(pages: 0);

        var action = Assert.Single(app.Requests, r => r.Path == "/received");
        Assert.Equal("failed", action.FormValue("FaxStatus"));
        Assert.Equal("34004", action.FormValue("ErrorCode"));
        Assert.Null(action.FormValue("NumPages"));
        Assert.Null(action.FormValue("MediaUrl"));
        var fax = (await JsonAsync(await account.Basic.GetAsync("/v1/Faxes"))).GetProperty("faxes")[0];
        Assert.Equal("failed", fax.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Receiving_fax_left_by_a_stopped_daemon_ends_failed_at_start()
    {
        var account = await _factory.CreateAccountAsync(Number);
        var now = _factory.Time.GetUtcNow();
        var sid = TwilioFax.NewFaxSid();
        await _factory.Get<ITwilioRepository>().AddFaxAsync(new TwilioFax
        {
            Sid = sid,
            AccountId = account.Account.Id,
            Direction = TwilioFaxDirection.Inbound,
            Status = TwilioFaxStatus.Receiving,
            From = Caller,
            To = Number,
            DateCreated = now,
            DateUpdated = now,
        }, [], CancellationToken.None);

        Assert.Equal(1, await _factory.Get<TwilioInboundWorker>().RecoverAsync(CancellationToken.None));

        var fax = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"));
        Assert.Equal("failed", fax.GetProperty("status").GetString());
        Assert.Equal(TwilioErrorCodes.TransmissionError, fax.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task Number_without_fax_url_keeps_the_default_routing()
    {
        var account = await _factory.CreateAccountAsync(Number);

        var line = await RingAsync();

        Assert.Equal(1, line.Received);
        Assert.Equal(0, (await JsonAsync(await account.Basic.GetAsync("/v1/Faxes"))).GetProperty("faxes").GetArrayLength());
        var inbox = await JsonAsync(await account.FaxPlus.GetAsync("/v3/accounts/self/faxes?category=inbox"));
        Assert.Single(inbox.GetProperty("data").GetProperty("records").EnumerateArray());
    }
}
