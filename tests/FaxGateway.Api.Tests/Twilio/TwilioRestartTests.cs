using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FaxGateway.Api.Callbacks;
using FaxGateway.Api.Twilio;
using FaxGateway.Core;
using FaxGateway.Core.Events;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using FaxGateway.Imaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Api.Tests.Twilio;

/// <summary>
/// The <c>&lt;Receive action&gt;</c> callback and the end of inbound (and outbound) Twilio faxes across daemon restarts: the
/// callback is a signed delivery of the persistent outbox (retried, kept across restarts), and a fax a stopped daemon
/// left unfinished ends at the next start with its callbacks. A restart is a second gateway on the same data folder.
/// </summary>
public sealed class TwilioRestartTests : IAsyncLifetime
{
    private const string Number = "+41441234567";
    private const string Caller = "+41445550000";
    private const string To = "+41445559999";
    private static readonly DateTimeOffset Epoch = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly string _data = Path.Combine(Path.GetTempPath(), "faxgw-twilio-restart-" + Guid.NewGuid().ToString("N"));
    private readonly List<TwilioGatewayFactory> _gateways = [];
    private LocalWebApp? _app;
    private volatile int _actionStatus = StatusCodes.Status204NoContent;
    private readonly TaskCompletionSource _slowFetchStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _slowFetchRelease = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalWebApp App => _app ?? throw new InvalidOperationException("no app");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            gateway.Dispose();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the WAL for a moment; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>A gateway on the test's data folder whose clock starts at <paramref name="at"/>.</summary>
    private TwilioGatewayFactory Gateway(DateTimeOffset at, Action<IServiceCollection>? configure = null)
    {
        var gateway = new TwilioGatewayFactory { DataDirectory = _data, KeepDataDirectory = true, Time = new FakeTimeProvider(at), ConfigureServices = configure };
        _gateways.Add(gateway);
        return gateway;
    }

    /// <summary>First start: an account owning <see cref="Number"/>, routed to the tenant app's TwiML.</summary>
    private async Task<(TwilioGatewayFactory Gateway, TestAccount Account)> FirstStartAsync(string twiml, Action<IServiceCollection>? configure = null)
    {
        var gateway = Gateway(Epoch, configure);
        var account = await gateway.CreateAccountAsync(Number);
        _app = await LocalWebApp.StartAsync(account.Twilio.AuthToken, (a, _) =>
        {
            a.MapPost("/incoming", () => Results.Content(twiml, "text/xml"));
            a.MapPost("/received", () => Results.StatusCode(_actionStatus));
            a.MapGet("/received", () => Results.StatusCode(_actionStatus));
            a.MapGet("/doc.tif", () => Results.Bytes(TwilioGatewayFactory.Corpus("fax-tiff/G31D.TIF"), "image/tiff"));
            a.MapGet("/slow.tif", async (CancellationToken aborted) =>
            {
                _slowFetchStarted.TrySetResult();
                await _slowFetchRelease.Task.WaitAsync(aborted);
                return Results.Bytes(TwilioGatewayFactory.Corpus("fax-tiff/G31D.TIF"), "image/tiff");
            });
            a.MapPost("/status", () => Results.NoContent());
        });
        await gateway.Get<ITwilioRepository>().UpsertNumberAsync(new TwilioNumberConfig
        {
            Number = Number,
            Routing = new TwilioNumberRouting(App.Url("/incoming")),
            UpdatedAt = gateway.Time.GetUtcNow(),
        }, CancellationToken.None);
        return (gateway, account);
    }

    private static HttpClient Basic(TwilioGatewayFactory gateway, TestAccount account)
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.Twilio.AccountSid}:{account.Twilio.AuthToken}")));
        return client;
    }

    private IncomingCall Call(TwilioGatewayFactory gateway) =>
        new() { LineId = "line-1", CallerNumber = Caller, CalledNumber = Number, RingAt = gateway.Time.GetUtcNow() };

    private static Task RingAsync(TwilioGatewayFactory gateway, ReceivingTestLine line, IncomingCall call, CancellationToken cancellationToken) =>
        gateway.Get<InboundService>().HandleAsync(line, new FaxLineDescriptor(line.LineId, Number), call, cancellationToken);

    private static async Task<JsonElement> FaxAsync(HttpClient basic, string sid)
    {
        var response = await basic.GetAsync($"/v1/Faxes/{sid}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private RecordedRequest[] Actions() => [.. App.Requests.Where(r => r.Path == "/received")];

    private string IncomingSid() => App.Requests.First(r => r.Path == "/incoming").FormValue("FaxSid")!;

    [Fact]
    public async Task Action_callback_is_a_signed_outbox_delivery_retried_after_a_500()
    {
        var (gateway, account) = await FirstStartAsync("<Response><Receive action=\"/received\"/></Response>");
        _actionStatus = StatusCodes.Status500InternalServerError;

        await RingAsync(gateway, new ReceivingTestLine(), Call(gateway), CancellationToken.None);

        // Nothing was sent on the line's time: the callback waits in the outbox, signed, stored with the final status.
        Assert.Empty(Actions());
        var sid = IncomingSid();
        using var basic = Basic(gateway, account);
        Assert.Equal("received", (await FaxAsync(basic, sid)).GetProperty("status").GetString());
        var due = await gateway.Get<ICallbackQueue>().ListDueAsync(gateway.Time.GetUtcNow(), 10, CancellationToken.None);
        var stored = Assert.Single(due, d => d.Source == TwilioActionCallbacks.Source);
        Assert.Equal(CallbackMethods.Post, stored.Method);
        Assert.Equal(App.Url("/received"), stored.Url.ToString());

        var sender = gateway.Get<CallbackDeliveryService>();
        Assert.Equal(1, await sender.DeliverDueAsync(CancellationToken.None));
        var first = Assert.Single(Actions());
        Assert.True(first.SignatureValid);
        Assert.Equal(stored.Headers[TwilioSignature.HeaderName], first.Headers[TwilioSignature.HeaderName]);
        Assert.Equal("POST", first.Method);
        Assert.Equal(sid, first.FormValue("FaxSid"));
        Assert.Equal("received", first.FormValue("FaxStatus"));
        Assert.Equal("2", first.FormValue("NumPages"));
        Assert.Equal(Caller, first.FormValue("From"));

        // The 500 is retried after the outbox's back-off (10 s), not before; a 2xx ends the delivery.
        _actionStatus = StatusCodes.Status204NoContent;
        Assert.Equal(0, await sender.DeliverDueAsync(CancellationToken.None));
        gateway.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await sender.DeliverDueAsync(CancellationToken.None));
        var actions = Actions();
        Assert.Equal(2, actions.Length);
        Assert.True(actions[1].SignatureValid);
        Assert.Equal(first.Form, actions[1].Form);
        gateway.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await sender.DeliverDueAsync(CancellationToken.None));
        Assert.Equal(2, Actions().Length);
    }

    [Fact]
    public async Task Get_action_callback_carries_its_parameters_in_the_signed_query()
    {
        var (gateway, _) = await FirstStartAsync("<Response><Receive action=\"/received?step=2\" method=\"GET\"/></Response>");

        await RingAsync(gateway, new ReceivingTestLine(), Call(gateway), CancellationToken.None);
        await gateway.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);

        var action = Assert.Single(Actions());
        Assert.Equal("GET", action.Method);
        Assert.True(action.SignatureValid);
        Assert.Empty(action.Form);
        Assert.StartsWith("?step=2&FaxSid=" + IncomingSid(), action.Query, StringComparison.Ordinal);
        Assert.Contains("FaxStatus=received", action.Query, StringComparison.Ordinal);
        Assert.Contains("NumPages=2", action.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_action_callback_survives_a_restart_on_the_same_data_folder()
    {
        var (gateway, account) = await FirstStartAsync("<Response><Receive action=\"/received\"/></Response>");
        _actionStatus = StatusCodes.Status503ServiceUnavailable;
        await RingAsync(gateway, new ReceivingTestLine(), Call(gateway), CancellationToken.None);
        await gateway.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);
        Assert.Single(Actions());
        var sid = IncomingSid();
        var stoppedAt = gateway.Time.GetUtcNow();
        gateway.Dispose();

        _actionStatus = StatusCodes.Status200OK;
        var restarted = Gateway(stoppedAt + TimeSpan.FromMinutes(1));
        Assert.Equal(1, await restarted.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None));

        var actions = Actions();
        Assert.Equal(2, actions.Length);
        Assert.True(actions[1].SignatureValid);
        Assert.Equal(sid, actions[1].FormValue("FaxSid"));
        Assert.Equal("received", actions[1].FormValue("FaxStatus"));
        using var basic = Basic(restarted, account);
        Assert.Equal("received", (await FaxAsync(basic, sid)).GetProperty("status").GetString());
        Assert.Equal(0, await restarted.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Call_answered_when_the_daemon_was_killed_ends_failed_at_the_next_start_with_its_action_callback()
    {
        var (gateway, account) = await FirstStartAsync("<Response><Receive action=\"/received\"/></Response>");

        // The TwiML said <Receive>: the Fax is receiving with its action stored; the line answers and the daemon is
        // killed, so nothing of the call's end ever runs.
        var answer = await gateway.Get<InboundRouter>().RouteAsync(Call(gateway), new FaxLineDescriptor("line-1", Number), CancellationToken.None);
        Assert.IsType<InboundDecision.Answer>(answer);
        var sid = IncomingSid();
        var receiving = await gateway.Get<ITwilioRepository>().GetFaxBySidAsync(sid, CancellationToken.None);
        Assert.Equal(TwilioFaxStatus.Receiving, receiving!.Status);
        Assert.Equal(App.Url("/received"), receiving.ActionUrl);
        Assert.Equal(TwimlMethod.Post, receiving.ActionMethod);

        // The sweep leaves a call this process has on a line alone.
        Assert.Equal(0, await gateway.Get<TwilioInboundWorker>().RecoverAsync(CancellationToken.None));
        var stoppedAt = gateway.Time.GetUtcNow();
        gateway.Dispose();

        // Next start: no page reached the inbox, so the outcome is unknown: failed 34004, with its action callback.
        var restarted = Gateway(stoppedAt + TimeSpan.FromMinutes(5));
        await restarted.Get<TwilioInboundWorker>().RecoverAsync(CancellationToken.None);
        using var basic = Basic(restarted, account);
        var fax = await FaxAsync(basic, sid);
        Assert.Equal("failed", fax.GetProperty("status").GetString());
        Assert.Equal(TwilioErrorCodes.TransmissionError, fax.GetProperty("error_code").GetInt32());

        Assert.Equal(1, await restarted.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None));
        var action = Assert.Single(Actions());
        Assert.True(action.SignatureValid);
        Assert.Equal(sid, action.FormValue("FaxSid"));
        Assert.Equal(Caller, action.FormValue("From"));
        Assert.Equal(Number, action.FormValue("To"));
        Assert.Equal("failed", action.FormValue("FaxStatus"));
        Assert.Equal("34004", action.FormValue("ErrorCode"));
        Assert.Equal(TwilioInboundWorker.InterruptedMessage, action.FormValue("ErrorMessage"));
        Assert.Null(action.FormValue("NumPages"));
        Assert.Null(action.FormValue("MediaUrl"));

        // Ended once: a second pass finds nothing.
        Assert.Equal(0, await restarted.Get<TwilioInboundWorker>().RecoverAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Call_cut_by_a_stop_ends_failed_at_once_and_its_action_callback_is_sent_after_the_restart()
    {
        var (gateway, account) = await FirstStartAsync("<Response><Receive action=\"/received\"/></Response>");
        var line = new ReceivingTestLine { HoldUntilCancelled = true, Pages = 0 };
        using var stop = new CancellationTokenSource();
        var call = RingAsync(gateway, line, Call(gateway), stop.Token);
        await line.Answered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The daemon stops mid-call, before any page: the call's end is stored (failed), its callback is not sent yet.
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var sid = IncomingSid();
        var stopped = await gateway.Get<ITwilioRepository>().GetFaxBySidAsync(sid, CancellationToken.None);
        Assert.Equal(TwilioFaxStatus.Failed, stopped!.Status);
        var stoppedAt = gateway.Time.GetUtcNow();
        gateway.Dispose();
        Assert.Empty(Actions());

        var restarted = Gateway(stoppedAt + TimeSpan.FromMinutes(5));
        Assert.Equal(0, await restarted.Get<TwilioInboundWorker>().RecoverAsync(CancellationToken.None));
        Assert.Equal(1, await restarted.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None));
        var action = Assert.Single(Actions());
        Assert.True(action.SignatureValid);
        Assert.Equal("failed", action.FormValue("FaxStatus"));
        Assert.Equal("34004", action.FormValue("ErrorCode"));
        Assert.Null(action.FormValue("MediaUrl"));
        using var basic = Basic(restarted, account);
        Assert.Equal("failed", (await FaxAsync(basic, sid)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Line_failing_after_confirming_a_page_ends_the_fax_failed_with_that_page_as_its_media()
    {
        var (gateway, account) = await FirstStartAsync("<Response><Receive action=\"/received\"/></Response>");
        var line = new ReceivingTestLine { HoldUntilCancelled = true, Pages = 1 };
        using var fault = new CancellationTokenSource();
        var call = RingAsync(gateway, line, Call(gateway), fault.Token);
        await line.Answered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The line fails mid-call after one confirmed page: the inbound service commits that page from the receive
        // spool and reports the interrupted call with it.
        await fault.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var sid = IncomingSid();

        using var basic = Basic(gateway, account);
        var fax = await FaxAsync(basic, sid);
        Assert.Equal("failed", fax.GetProperty("status").GetString());
        Assert.Equal(TwilioErrorCodes.TransmissionError, fax.GetProperty("error_code").GetInt32());
        Assert.Equal(1, fax.GetProperty("num_pages").GetInt32());
        var mediaSid = fax.GetProperty("media_sid").GetString()!;

        await gateway.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);
        var action = Assert.Single(Actions());
        Assert.True(action.SignatureValid);
        Assert.Equal("failed", action.FormValue("FaxStatus"));
        Assert.Equal("34004", action.FormValue("ErrorCode"));
        Assert.Null(action.FormValue("NumPages"));
        Assert.Equal($"https://gateway.example/v1/Faxes/{sid}/Media/{mediaSid}", action.FormValue("MediaUrl"));
        var inbox = JsonDocument.Parse(await (await account.FaxPlus.GetAsync("/v3/accounts/self/faxes?category=inbox")).Content.ReadAsStringAsync()).RootElement;
        Assert.Single(inbox.GetProperty("data").GetProperty("records").EnumerateArray());
    }

    /// <summary>
    /// What the inbound service does for a call the TwiML accepted once the line received two pages: the file, then the
    /// inbox record with the callbacks of its event, in one transaction; the call's end is then never applied (a stop).
    /// </summary>
    private async Task<string> CommitWithoutTheCallsEndAsync(TwilioGatewayFactory gateway)
    {
        var descriptor = new FaxLineDescriptor("line-1", Number);
        var answer = Assert.IsType<InboundDecision.Answer>(await gateway.Get<InboundRouter>().RouteAsync(Call(gateway), descriptor, CancellationToken.None));
        var sid = IncomingSid();
        Assert.Equal(sid, answer.Tag);
        var store = gateway.Get<IFileContentStore>();
        var temporary = store.CreateTemporaryPath("tif");
        TiffFax.Write(temporary, Enumerable.Range(0, 2).Select(_ => new PageRaster(1728, 100)), FaxCodingOptions.Mmr);
        var fileId = FaxIds.NewLong();
        var (relativePath, size) = store.Commit(temporary, fileId, "tif");
        var now = gateway.Time.GetUtcNow();
        var sessionId = FaxIds.NewShort();
        var record = new FaxRecord
        {
            Id = FaxIds.NewShort(),
            AccountId = answer.AccountId,
            Direction = FaxDirection.Incoming,
            Status = FaxStatuses.ForIncoming(FailureKind.None, 2),
            Description = "OK",
            From = Caller,
            To = Number,
            Pages = 2,
            FileId = fileId,
            StartTime = now,
            DurationSeconds = 25,
            SessionId = sessionId,
            HookId = sessionId,
            LineId = descriptor.LineId,
            RemoteIdent = "ACME FAX",
            LastUpdate = now,
        };
        var file = new StoredFile { Id = fileId, AccountId = answer.AccountId, Kind = StoredFileKind.FaxPages, RelativePath = relativePath, ContentType = "image/tiff", Size = size, PageCount = 2, CreatedAt = now };
        var callbacks = await gateway.Get<FaxEventPublisher>().CreateCallbacksAsync(
            new FaxEvent { Kind = FaxEventKind.Received, Fax = record, LocalNumber = Number, Inbound = answer, At = now }, CancellationToken.None);
        await gateway.Get<IFaxRepository>().AddReceivedAsync(record, file, callbacks, CancellationToken.None);
        return sid;
    }

    private async Task AssertReceivedWithItsActionAsync(TwilioGatewayFactory gateway, TestAccount account, string sid)
    {
        using var basic = Basic(gateway, account);
        var fax = await FaxAsync(basic, sid);
        Assert.Equal("received", fax.GetProperty("status").GetString());
        Assert.Equal(2, fax.GetProperty("num_pages").GetInt32());
        var mediaSid = fax.GetProperty("media_sid").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync($"/v1/Faxes/{sid}/Media/{mediaSid}")).StatusCode);

        await gateway.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);
        var action = Assert.Single(Actions());
        Assert.True(action.SignatureValid);
        Assert.Equal("received", action.FormValue("FaxStatus"));
        Assert.Equal("2", action.FormValue("NumPages"));
        Assert.Equal("ACME FAX", action.FormValue("RemoteStationId"));
        Assert.Equal($"https://gateway.example/v1/Faxes/{sid}/Media/{mediaSid}", action.FormValue("MediaUrl"));
        Assert.Null(action.FormValue("ErrorCode"));
    }

    [Fact]
    public async Task Fax_stored_just_before_the_stop_is_reported_received_at_the_next_start()
    {
        var (gateway, account) = await FirstStartAsync("<Response><Receive action=\"/received\"/></Response>");
        var sid = await CommitWithoutTheCallsEndAsync(gateway);
        var stoppedAt = gateway.Time.GetUtcNow();
        gateway.Dispose();

        // Next start: the record is there, so the outcome is known: received, with the pages as its media.
        var restarted = Gateway(stoppedAt + TimeSpan.FromMinutes(5));
        await restarted.Get<TwilioInboundWorker>().RecoverAsync(CancellationToken.None);
        await AssertReceivedWithItsActionAsync(restarted, account, sid);
    }

    [Fact]
    public async Task Fax_stored_whose_end_never_came_is_finished_by_the_sweep_after_the_grace()
    {
        var (gateway, account) = await FirstStartAsync("<Response><Receive action=\"/received\"/></Response>");
        var sid = await CommitWithoutTheCallsEndAsync(gateway);

        // The call's end normally follows the commit at once: the sweep waits the grace before it finishes the fax.
        var worker = gateway.Get<TwilioInboundWorker>();
        Assert.Equal(0, await worker.RecoverAsync(CancellationToken.None));
        gateway.Time.Advance(TwilioInboundHandler.EndingGrace);
        Assert.Equal(1, await worker.RecoverAsync(CancellationToken.None));
        await AssertReceivedWithItsActionAsync(gateway, account, sid);
    }

    [Fact]
    public async Task Outbound_fax_on_a_line_when_the_daemon_stopped_ends_failed_at_the_next_start_with_its_status_callback()
    {
        // One try for a call the daemon's stop interrupted, so the restart ends the job instead of calling again.
        static void OneInterruptedTry(IServiceCollection services) =>
            services.PostConfigure<QueueOptions>(o => o.Interrupted = new RetryRule { Tries = 1, Delay = TimeSpan.FromSeconds(10) });
        var (gateway, account) = await FirstStartAsync("<Response><Reject/></Response>", OneInterruptedTry);
        string sid;
        using (var basic = Basic(gateway, account))
        {
            var created = await basic.PostAsync("/v1/Faxes", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["To"] = To,
                ["MediaUrl"] = App.Url("/doc.tif"),
                ["StatusCallback"] = App.Url("/status"),
            }));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            sid = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("sid").GetString()!;
        }

        // Callbacks of one burst are sent in parallel: each step's is delivered before the next, to check the order.
        var sender = gateway.Get<CallbackDeliveryService>();
        await sender.DeliverDueAsync(CancellationToken.None);
        var service = gateway.Get<TwilioFaxService>();
        Assert.Equal(1, await service.ProcessOpenAsync(CancellationToken.None));
        await sender.DeliverDueAsync(CancellationToken.None);
        Assert.True(await gateway.ConvertNextAsync());
        var claimed = await gateway.Get<IJobRepository>().ClaimNextAsync("line-1", "s1", gateway.Time.GetUtcNow(), 1, CancellationToken.None);
        Assert.NotNull(claimed);
        await service.ProcessOpenAsync(CancellationToken.None);
        await sender.DeliverDueAsync(CancellationToken.None);
        var stoppedAt = gateway.Time.GetUtcNow();
        gateway.Dispose();

        // Next start: the queue ends the interrupted job; the Fax follows with its final status callback.
        var restarted = Gateway(stoppedAt + TimeSpan.FromMinutes(1), OneInterruptedTry);
        await restarted.Get<TwilioFaxService>().ProcessOpenAsync(CancellationToken.None);
        await restarted.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);

        using var restartedBasic = Basic(restarted, account);
        var fax = await FaxAsync(restartedBasic, sid);
        Assert.Equal("failed", fax.GetProperty("status").GetString());
        Assert.Equal(TwilioErrorCodes.TransmissionError, fax.GetProperty("error_code").GetInt32());
        var callbacks = App.Requests.Where(r => r.Path == "/status").ToArray();
        Assert.Equal(["queued", "processing", "sending", "failed"], callbacks.Select(c => c.FormValue("FaxStatus")));
        Assert.All(callbacks, c => Assert.True(c.SignatureValid));
        Assert.Equal("34004", callbacks[^1].FormValue("ErrorCode"));
    }

    [Fact]
    public async Task Outbound_fax_whose_media_fetch_a_stop_cut_short_goes_on_at_the_next_start_with_one_job_and_no_repeated_callback()
    {
        var (gateway, account) = await FirstStartAsync("<Response><Reject/></Response>");
        string sid;
        using (var basic = Basic(gateway, account))
        {
            var created = await basic.PostAsync("/v1/Faxes", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["To"] = To,
                ["MediaUrl"] = App.Url("/slow.tif"),
                ["StatusCallback"] = App.Url("/status"),
            }));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            sid = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("sid").GetString()!;
        }

        await gateway.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);

        // The daemon stops while it downloads the MediaUrl: the fax is left processing, with no upload and no job.
        using var stop = new CancellationTokenSource();
        var pass = gateway.Get<TwilioFaxService>().ProcessOpenAsync(stop.Token);
        await _slowFetchStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pass);
        var left = await gateway.Get<ITwilioRepository>().GetFaxBySidAsync(sid, CancellationToken.None);
        Assert.Equal(TwilioFaxStatus.Processing, left!.Status);
        Assert.Null(left.MediaFileId);
        Assert.Null(left.JobId);
        var stoppedAt = gateway.Time.GetUtcNow();
        gateway.Dispose();

        // Next start: the fetch is made again and the fax goes on the queue once; processing was reported already.
        _slowFetchRelease.TrySetResult();
        var restarted = Gateway(stoppedAt + TimeSpan.FromMinutes(1));
        var service = restarted.Get<TwilioFaxService>();
        await service.RecoverAsync(CancellationToken.None);
        Assert.Equal(1, await service.ProcessOpenAsync(CancellationToken.None));
        await service.ProcessOpenAsync(CancellationToken.None);
        await restarted.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);

        var fax = await restarted.Get<ITwilioRepository>().GetFaxBySidAsync(sid, CancellationToken.None);
        Assert.Equal(TwilioFaxStatus.Processing, fax!.Status);
        Assert.NotNull(fax.JobId);
        Assert.StartsWith("ME", fax.MediaSid, StringComparison.Ordinal);
        Assert.Single(await restarted.Get<IJobRepository>().ListOutboxAsync(account.Account.Id, CancellationToken.None));
        var callbacks = App.Requests.Where(r => r.Path == "/status").ToArray();
        Assert.Equal(["queued", "processing"], callbacks.Select(c => c.FormValue("FaxStatus")));
        Assert.All(callbacks, c => Assert.True(c.SignatureValid));
    }
}
