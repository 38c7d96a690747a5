using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FaxGateway.Api.Callbacks;
using FaxGateway.Api.Tests.Support;
using FaxGateway.Api.Twilio;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FaxGateway.Api.Tests.Twilio;

/// <summary>/v1/Faxes through the real daemon composition: every route and error, and the same fax on the FAX.PLUS routes.</summary>
public sealed class TwilioFaxesApiTests(TwilioGatewayFactory shared) : IClassFixture<TwilioGatewayFactory>
{
    private const string To = "+41449876543";
    private readonly TwilioGatewayFactory _factory = shared;

    /// <summary>Every string value in a JSON document (System.Text.Json escapes '+' in the raw text).</summary>
    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };

    private static StoredFile Converted(OutboxEntry entry, int pages) => new()
    {
        Id = "converted" + entry.Id[..20],
        AccountId = entry.AccountId,
        Kind = StoredFileKind.FaxPages,
        RelativePath = "converted/" + entry.Id + ".tif",
        ContentType = "image/tiff",
        Size = 1,
        PageCount = pages,
        CreatedAt = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero),
    };

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task AssertTwilioErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code)
    {
        var error = await JsonAsync(response, status);
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal((int)status, error.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal($"https://www.twilio.com/docs/errors/{code}", error.GetProperty("more_info").GetString());
    }

    private static Task<LocalWebApp> StartAppAsync(TestAccount account) => LocalWebApp.StartAsync(account.Twilio.AuthToken, (a, _) =>
    {
        a.MapGet("/doc.pdf", () => Results.Bytes(Http.Pdf, "application/octet-stream"));
        a.MapGet("/doc.tif", () => Results.Bytes(TwilioGatewayFactory.Corpus("fax-tiff/G31D.TIF"), "application/octet-stream"));
        a.MapGet("/missing.pdf", () => Results.NotFound());
        a.MapPost("/status", () => Results.NoContent());
    });

    private async Task<JsonElement> CreateAsync(TestAccount account, LocalWebApp app, params (string, string)[] extra)
    {
        var values = new List<(string, string)> { ("To", To), ("MediaUrl", app.Url("/doc.pdf")), ("StatusCallback", app.Url("/status")) };
        values.AddRange(extra);
        return await JsonAsync(await account.Basic.PostAsync("/v1/Faxes", Form([.. values])), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Requests_without_valid_basic_credentials_are_401_in_twilio_shape()
    {
        var account = await _factory.CreateAccountAsync();
        using var anonymous = _factory.CreateClient();
        using var wrongToken = _factory.CreateClient();
        wrongToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.Twilio.AccountSid}:{new string('0', 32)}")));
        using var garbage = _factory.CreateClient();
        garbage.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "!!!not-base64");

        foreach (var client in new[] { anonymous, wrongToken, garbage, account.FaxPlus })
        {
            var response = await client.GetAsync("/v1/Faxes");
            await AssertTwilioErrorAsync(response, HttpStatusCode.Unauthorized, TwilioErrorCodes.AuthenticationFailed);
            Assert.Contains("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("", "https://app.example/doc.pdf", "", "", "", "", TwilioErrorCodes.InvalidTo)]
    [InlineData("not a number", "https://app.example/doc.pdf", "", "", "", "", TwilioErrorCodes.InvalidTo)]
    [InlineData("sip:fax@example.com", "https://app.example/doc.pdf", "", "", "", "", TwilioErrorCodes.InvalidTo)]
    [InlineData(To, "", "", "", "", "", TwilioErrorCodes.InvalidMediaUrl)]
    [InlineData(To, "ftp://app.example/doc.pdf", "", "", "", "", TwilioErrorCodes.InvalidMediaUrl)]
    [InlineData(To, "https://app.example/doc.pdf", "+15555550100", "", "", "", TwilioErrorCodes.InvalidFrom)]
    [InlineData(To, "https://app.example/doc.pdf", "", "ultra", "", "", TwilioErrorCodes.InvalidParameter)]
    [InlineData(To, "https://app.example/doc.pdf", "", "", "maybe", "", TwilioErrorCodes.InvalidParameter)]
    [InlineData(To, "https://app.example/doc.pdf", "", "", "", "4", TwilioErrorCodes.InvalidParameter)]
    [InlineData(To, "https://app.example/doc.pdf", "", "", "", "301", TwilioErrorCodes.InvalidParameter)]
    public async Task CreateFax_validation_errors_are_400(string to, string mediaUrl, string from, string quality, string storeMedia, string ttl, int code)
    {
        var account = await _factory.CreateAccountAsync();
        var values = new List<(string, string)> { ("To", to), ("MediaUrl", mediaUrl) };
        if (from.Length > 0)
        {
            values.Add(("From", from));
        }

        if (quality.Length > 0)
        {
            values.Add(("Quality", quality));
        }

        if (storeMedia.Length > 0)
        {
            values.Add(("StoreMedia", storeMedia));
        }

        if (ttl.Length > 0)
        {
            values.Add(("Ttl", ttl));
        }

        await AssertTwilioErrorAsync(await account.Basic.PostAsync("/v1/Faxes", Form([.. values])), HttpStatusCode.BadRequest, code);
        await AssertTwilioErrorAsync(await account.Basic.PostAsync("/v1/Faxes", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, TwilioErrorCodes.InvalidParameter);
    }

    [Fact]
    public async Task CreateFax_answers_201_with_the_fax_resource_fields()
    {
        var account = await _factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);

        var fax = await CreateAsync(account, app, ("Quality", "superfine"));

        var sid = fax.GetProperty("sid").GetString()!;
        Assert.True(TwilioFax.IsSid(sid, "FX"));
        Assert.Equal(account.Twilio.AccountSid, fax.GetProperty("account_sid").GetString());
        Assert.Equal("+41441234567", fax.GetProperty("from").GetString());
        Assert.Equal(To, fax.GetProperty("to").GetString());
        Assert.Equal("superfine", fax.GetProperty("quality").GetString());
        Assert.Equal("queued", fax.GetProperty("status").GetString());
        Assert.Equal("outbound", fax.GetProperty("direction").GetString());
        Assert.Equal("v1", fax.GetProperty("api_version").GetString());
        Assert.Equal(app.Url("/doc.pdf"), fax.GetProperty("media_url").GetString());
        Assert.Equal(JsonValueKind.Null, fax.GetProperty("media_sid").ValueKind);
        Assert.Equal(JsonValueKind.Null, fax.GetProperty("num_pages").ValueKind);
        Assert.Equal(JsonValueKind.Null, fax.GetProperty("duration").ValueKind);
        Assert.Equal(JsonValueKind.Null, fax.GetProperty("price").ValueKind);
        Assert.Equal(JsonValueKind.Null, fax.GetProperty("price_unit").ValueKind);
        Assert.Equal(TwilioWire.Date(_factory.Time.GetUtcNow()), fax.GetProperty("date_created").GetString());
        Assert.Equal(TwilioWire.Date(_factory.Time.GetUtcNow()), fax.GetProperty("date_updated").GetString());
        Assert.Equal($"https://gateway.example/v1/Faxes/{sid}", fax.GetProperty("url").GetString());
        Assert.Equal($"https://gateway.example/v1/Faxes/{sid}/Media", fax.GetProperty("links").GetProperty("media").GetString());

        var fetched = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.OK);
        Assert.Equal(fax.ToString(), fetched.ToString());
    }

    [Theory]
    [InlineData("standard", 98)]
    [InlineData(null, 196)]
    [InlineData("superfine", 391)]
    public async Task Quality_is_the_resolution_the_fax_is_rendered_at(string? quality, int linesPerInch)
    {
        using var factory = new TwilioGatewayFactory();
        var account = await factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);
        var values = new List<(string, string)> { ("To", To), ("MediaUrl", app.Url("/doc.tif")) };
        if (quality is not null)
        {
            values.Add(("Quality", quality));
        }

        var sid = (await JsonAsync(await account.Basic.PostAsync("/v1/Faxes", Form([.. values])), HttpStatusCode.Created)).GetProperty("sid").GetString()!;
        Assert.Equal(1, await factory.Get<TwilioFaxService>().ProcessOpenAsync(CancellationToken.None));
        Assert.True(await factory.ConvertNextAsync());

        var fax = await factory.Get<ITwilioRepository>().GetFaxAsync(account.Account.Id, sid, CancellationToken.None);
        var job = await factory.Get<IJobRepository>().GetJobAsync(fax!.JobId!, CancellationToken.None);
        var document = await factory.Get<IFileRepository>().GetAsync(account.Account.Id, job!.DocumentFileId!, CancellationToken.None);
        var pages = FaxGateway.Imaging.TiffFax.Read(factory.Get<IFileContentStore>().GetFullPath(document!.RelativePath));
        Assert.NotEmpty(pages);
        Assert.All(pages, p => Assert.Equal(linesPerInch, p.Raster.YDpi, 0));
    }

    [Fact]
    public async Task Outbound_fax_runs_on_the_shared_queue_with_signed_status_callbacks_and_shows_on_fax_plus()
    {
        using var factory = new TwilioGatewayFactory();
        var account = await factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);
        var service = factory.Get<TwilioFaxService>();
        var jobs = factory.Get<IJobRepository>();
        var sid = (await JsonAsync(await account.Basic.PostAsync("/v1/Faxes", Form(("To", To), ("MediaUrl", app.Url("/doc.tif")), ("StatusCallback", app.Url("/status")))), HttpStatusCode.Created)).GetProperty("sid").GetString()!;
        var sender = factory.Get<CallbackDeliveryService>();
        await sender.DeliverDueAsync(CancellationToken.None);

        // processing: MediaUrl fetched (signed GET), stored as an upload, one queue job submitted.
        Assert.Equal(1, await service.ProcessOpenAsync(CancellationToken.None));
        var fetch = Assert.Single(app.Requests, r => r.Path == "/doc.tif");
        Assert.Equal("GET", fetch.Method);
        Assert.True(fetch.SignatureValid);
        var fax = await factory.Get<ITwilioRepository>().GetFaxAsync(account.Account.Id, sid, CancellationToken.None);
        Assert.NotNull(fax!.JobId);
        var job = await jobs.GetJobAsync(fax.JobId, CancellationToken.None);
        Assert.Equal(JobOrigin.Twilio, job!.Origin);
        Assert.Equal(To, job.Destination);

        // The FAX.PLUS face sees the same send in its outbox.
        await sender.DeliverDueAsync(CancellationToken.None);
        var outbox = await JsonAsync(await account.FaxPlus.GetAsync("/v3/accounts/self/outbox"), HttpStatusCode.OK);
        Assert.Contains(To, Strings(outbox));

        // The daemon converts the fetched TIFF for real, then a line sends it: every page confirmed by MCF.
        Assert.True(await factory.ConvertNextAsync());
        var now = factory.Time.GetUtcNow();
        var claimed = await jobs.ClaimNextAsync("line-1", "session" + sid[2..12], now, 1, CancellationToken.None);
        var pages = claimed!.PageCount;
        Assert.True(pages > 0);
        Assert.Equal(fax.JobId, claimed!.Id);
        await service.ProcessOpenAsync(CancellationToken.None);
        await sender.DeliverDueAsync(CancellationToken.None);
        Assert.Equal("sending", (await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.OK)).GetProperty("status").GetString());
        factory.Time.Advance(TimeSpan.FromSeconds(40));
        await factory.Get<JobService>().RecordAttemptAsync(claimed, new FaxSendResult
        {
            Failure = FailureKind.None,
            Pages = [.. Enumerable.Range(1, pages).Select(n => new PageOutcome(n, PageConfirmation.Mcf))],
            RemoteIdent = "REMOTE CSI",
            StartedAt = now,
            Duration = TimeSpan.FromSeconds(38),
        }, CancellationToken.None);
        await service.ProcessOpenAsync(CancellationToken.None);

        var delivered = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.OK);
        Assert.Equal("delivered", delivered.GetProperty("status").GetString());
        Assert.Equal(pages, delivered.GetProperty("num_pages").GetInt32());
        Assert.Equal(38, delivered.GetProperty("duration").GetInt32());
        Assert.StartsWith("ME", delivered.GetProperty("media_sid").GetString(), StringComparison.Ordinal);

        // One signed callback per status change, in order.
        await sender.DeliverDueAsync(CancellationToken.None);
        var callbacks = app.Requests.Where(r => r.Path == "/status").ToArray();
        Assert.Equal(["queued", "processing", "sending", "delivered"], callbacks.Select(c => c.FormValue("FaxStatus")));
        Assert.All(callbacks, c => Assert.True(c.SignatureValid));
        Assert.All(callbacks, c => Assert.Equal(sid, c.FormValue("FaxSid")));
        Assert.All(callbacks, c => Assert.Equal(app.Url("/doc.tif"), c.FormValue("OriginalMediaUrl")));
        Assert.Equal(pages.ToString(System.Globalization.CultureInfo.InvariantCulture), callbacks[^1].FormValue("NumPages"));
        Assert.Equal("REMOTE CSI", callbacks[^1].FormValue("RemoteStationId"));
        Assert.Equal($"https://gateway.example/v1/Faxes/{sid}/Media/{delivered.GetProperty("media_sid").GetString()}", callbacks[^1].FormValue("MediaUrl"));

        // The FAX.PLUS face lists the sent fax.
        var sent = await JsonAsync(await account.FaxPlus.GetAsync("/v3/accounts/self/faxes?category=sent"), HttpStatusCode.OK);
        Assert.Contains(To, Strings(sent));

        // Media: list, JSON and bytes.
        var mediaSid = delivered.GetProperty("media_sid").GetString()!;
        var list = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}/Media"), HttpStatusCode.OK);
        Assert.Equal("media", list.GetProperty("meta").GetProperty("key").GetString());
        Assert.Equal(mediaSid, list.GetProperty("media")[0].GetProperty("sid").GetString());
        using var asJson = new HttpRequestMessage(HttpMethod.Get, $"/v1/Faxes/{sid}/Media/{mediaSid}");
        asJson.Headers.Accept.ParseAdd("application/json");
        var media = await JsonAsync(await account.Basic.SendAsync(asJson), HttpStatusCode.OK);
        Assert.Equal("image/tiff", media.GetProperty("content_type").GetString());
        Assert.Equal(sid, media.GetProperty("fax_sid").GetString());
        var bytes = await account.Basic.GetAsync($"/v1/Faxes/{sid}/Media/{mediaSid}");
        Assert.Equal("image/tiff", bytes.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TwilioGatewayFactory.Corpus("fax-tiff/G31D.TIF"), await bytes.Content.ReadAsByteArrayAsync());

        // DeleteFax removes it from both faces.
        Assert.Equal(HttpStatusCode.NoContent, (await account.Basic.DeleteAsync($"/v1/Faxes/{sid}")).StatusCode);
        await AssertTwilioErrorAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.NotFound, TwilioErrorCodes.NotFound);
        var afterDelete = await JsonAsync(await account.FaxPlus.GetAsync("/v3/accounts/self/faxes?category=sent"), HttpStatusCode.OK);
        Assert.DoesNotContain(To, Strings(afterDelete));
    }

    [Fact]
    public async Task Queued_and_final_mode_sends_only_two_callbacks()
    {
        using var factory = new TwilioGatewayFactory { StatusCallbacks = TwilioStatusCallbackMode.QueuedAndFinal };
        var account = await factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);
        var service = factory.Get<TwilioFaxService>();
        var sid = (await CreateAsync(account, app)).GetProperty("sid").GetString()!;
        await service.ProcessOpenAsync(CancellationToken.None);
        Assert.Equal("canceled", (await JsonAsync(await account.Basic.PostAsync($"/v1/Faxes/{sid}", Form(("Status", "canceled"))), HttpStatusCode.OK)).GetProperty("status").GetString());

        await factory.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);

        Assert.Equal(["canceled", "queued"], app.Requests.Where(r => r.Path == "/status").Select(r => r.FormValue("FaxStatus")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Busy_far_end_ends_busy_with_34002()
    {
        using var factory = new TwilioGatewayFactory();
        var account = await factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);
        var service = factory.Get<TwilioFaxService>();
        var jobs = factory.Get<IJobRepository>();
        var sid = (await CreateAsync(account, app)).GetProperty("sid").GetString()!;
        await service.ProcessOpenAsync(CancellationToken.None);
        var now = factory.Time.GetUtcNow();
        var entry = await jobs.ClaimForConversionAsync(now, CancellationToken.None);
        await jobs.MarkConvertedAsync(entry!.Id, Converted(entry, 1), 1, now, CancellationToken.None);
        var claimed = await jobs.ClaimNextAsync("line-1", "s1", now, 1, CancellationToken.None);

        // Busy is retried by the queue; the job fails for good once its kill time passed.
        await factory.Get<JobService>().RecordAttemptAsync(claimed!, new FaxSendResult { Failure = FailureKind.Busy, Pages = [], StartedAt = now, Duration = TimeSpan.Zero, HangupReason = "BUSY" }, CancellationToken.None);
        factory.Time.Advance(TimeSpan.FromHours(4));
        await factory.Get<JobService>().ExpireAsync(CancellationToken.None);
        await service.ProcessOpenAsync(CancellationToken.None);

        var fax = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.OK);
        Assert.Equal("busy", fax.GetProperty("status").GetString());
        Assert.Equal(TwilioErrorCodes.Busy, fax.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task Fax_not_sent_within_its_ttl_fails_and_leaves_the_queue()
    {
        using var factory = new TwilioGatewayFactory();
        var account = await factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);
        var service = factory.Get<TwilioFaxService>();
        var sid = (await CreateAsync(account, app, ("Ttl", "5"))).GetProperty("sid").GetString()!;
        await service.ProcessOpenAsync(CancellationToken.None);
        var jobId = (await factory.Get<ITwilioRepository>().GetFaxAsync(account.Account.Id, sid, CancellationToken.None))!.JobId!;

        factory.Time.Advance(TimeSpan.FromMinutes(4));
        await service.ProcessOpenAsync(CancellationToken.None);
        Assert.Equal("processing", (await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.OK)).GetProperty("status").GetString());

        factory.Time.Advance(TimeSpan.FromMinutes(1));
        await service.ProcessOpenAsync(CancellationToken.None);
        var fax = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.OK);
        Assert.Equal("failed", fax.GetProperty("status").GetString());
        Assert.Equal(TwilioErrorCodes.TransmissionError, fax.GetProperty("error_code").GetInt32());
        Assert.Contains("Ttl", fax.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JobState.Cancelled, (await factory.Get<IJobRepository>().GetJobAsync(jobId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Unfetchable_media_fails_the_fax_with_a_callback()
    {
        using var factory = new TwilioGatewayFactory();
        var account = await factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);
        var sid = (await JsonAsync(await account.Basic.PostAsync("/v1/Faxes", Form(("To", To), ("MediaUrl", app.Url("/missing.pdf")), ("StatusCallback", app.Url("/status")))), HttpStatusCode.Created)).GetProperty("sid").GetString()!;

        await factory.Get<TwilioFaxService>().ProcessOpenAsync(CancellationToken.None);
        await factory.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);

        var fax = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.OK);
        Assert.Equal("failed", fax.GetProperty("status").GetString());
        Assert.Equal(TwilioErrorCodes.HttpRetrievalFailure, fax.GetProperty("error_code").GetInt32());
        // The shared sender delivers due callbacks in parallel: look them up by status.
        Assert.Equal(["failed", "processing", "queued"], app.Requests.Where(r => r.Path == "/status").Select(r => r.FormValue("FaxStatus")).Order(StringComparer.Ordinal));
        var last = app.Requests.Single(r => r.Path == "/status" && r.FormValue("FaxStatus") == "failed");
        Assert.Equal("11200", last.FormValue("ErrorCode"));
        Assert.True(last.SignatureValid);
    }

    [Fact]
    public async Task Cancel_before_sending_and_conflicts_after()
    {
        using var factory = new TwilioGatewayFactory();
        var account = await factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);
        var service = factory.Get<TwilioFaxService>();
        var jobs = factory.Get<IJobRepository>();

        // Still queued (MediaUrl not fetched yet).
        var first = (await CreateAsync(account, app)).GetProperty("sid").GetString()!;
        var canceled = await JsonAsync(await account.Basic.PostAsync($"/v1/Faxes/{first}", Form(("Status", "canceled"))), HttpStatusCode.OK);
        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        await AssertTwilioErrorAsync(await account.Basic.PostAsync($"/v1/Faxes/{first}", Form(("Status", "canceled"))), HttpStatusCode.BadRequest, TwilioErrorCodes.InvalidParameter);
        await AssertTwilioErrorAsync(await account.Basic.PostAsync($"/v1/Faxes/{first}", Form(("Status", "delivered"))), HttpStatusCode.BadRequest, TwilioErrorCodes.InvalidParameter);

        // On the queue, not on a line: cancelled in the queue too.
        var second = (await CreateAsync(account, app)).GetProperty("sid").GetString()!;
        await service.ProcessOpenAsync(CancellationToken.None);
        var queued = await factory.Get<ITwilioRepository>().GetFaxAsync(account.Account.Id, second, CancellationToken.None);
        Assert.Equal("canceled", (await JsonAsync(await account.Basic.PostAsync($"/v1/Faxes/{second}", Form(("Status", "canceled"))), HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal(JobState.Cancelled, (await jobs.GetJobAsync(queued!.JobId!, CancellationToken.None))!.State);

        // On a line: 409, unchanged; and an unfinished fax cannot be deleted.
        var third = (await CreateAsync(account, app)).GetProperty("sid").GetString()!;
        await service.ProcessOpenAsync(CancellationToken.None);
        var now = factory.Time.GetUtcNow();
        var entry = await jobs.ClaimForConversionAsync(now, CancellationToken.None);
        await jobs.MarkConvertedAsync(entry!.Id, Converted(entry, 1), 1, now, CancellationToken.None);
        Assert.NotNull(await jobs.ClaimNextAsync("line-1", "s3", now, 1, CancellationToken.None));
        await AssertTwilioErrorAsync(await account.Basic.PostAsync($"/v1/Faxes/{third}", Form(("Status", "canceled"))), HttpStatusCode.Conflict, TwilioErrorCodes.Conflict);
        await AssertTwilioErrorAsync(await account.Basic.DeleteAsync($"/v1/Faxes/{third}"), HttpStatusCode.Conflict, TwilioErrorCodes.Conflict);

        await factory.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None);
        Assert.Equal(2, app.Requests.Count(r => r.Path == "/status" && r.FormValue("FaxStatus") == "canceled"));
    }

    [Theory]
    [InlineData("GET", "/v1/Faxes/FX0123")]
    [InlineData("GET", "/v1/Faxes/FX0123456789abcdef0123456789abcdef")]
    [InlineData("POST", "/v1/Faxes/FX0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "/v1/Faxes/FX0123456789abcdef0123456789abcdef")]
    [InlineData("GET", "/v1/Faxes/FX0123456789abcdef0123456789abcdef/Media")]
    [InlineData("GET", "/v1/Faxes/FX0123456789abcdef0123456789abcdef/Media/ME0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "/v1/Faxes/FX0123456789abcdef0123456789abcdef/Media/ME0123456789abcdef0123456789abcdef")]
    [InlineData("GET", "/v1/Faxes/FX0123456789abcdef0123456789abcdef/Media/ME0")]
    public async Task Unknown_or_malformed_sids_are_404_20404(string method, string path)
    {
        var account = await _factory.CreateAccountAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = Form(("Status", "canceled"));
        }

        await AssertTwilioErrorAsync(await account.Basic.SendAsync(request), HttpStatusCode.NotFound, TwilioErrorCodes.NotFound);
    }

    [Fact]
    public async Task Unknown_v1_route_answers_in_twilio_shape()
    {
        var account = await _factory.CreateAccountAsync();
        await AssertTwilioErrorAsync(await account.Basic.GetAsync("/v1/Calls"), HttpStatusCode.NotFound, TwilioErrorCodes.NotFound);
    }

    [Fact]
    public async Task Faxes_of_another_account_are_not_visible()
    {
        var owner = await _factory.CreateAccountAsync();
        var other = await _factory.CreateAccountAsync(number: null);
        await using var app = await StartAppAsync(owner);
        var sid = (await CreateAsync(owner, app)).GetProperty("sid").GetString()!;

        await AssertTwilioErrorAsync(await other.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.NotFound, TwilioErrorCodes.NotFound);
        await AssertTwilioErrorAsync(await other.Basic.PostAsync($"/v1/Faxes/{sid}", Form(("Status", "canceled"))), HttpStatusCode.NotFound, TwilioErrorCodes.NotFound);
        Assert.Equal(0, (await JsonAsync(await other.Basic.GetAsync("/v1/Faxes"), HttpStatusCode.OK)).GetProperty("faxes").GetArrayLength());
    }

    [Fact]
    public async Task List_pages_newest_first_with_next_page_urls_and_filters()
    {
        var account = await _factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await CreateAsync(account, app)).GetProperty("sid").GetString()!);
            _factory.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await JsonAsync(await account.Basic.PostAsync("/v1/Faxes", Form(("To", "+41440000000"), ("MediaUrl", app.Url("/doc.pdf")))), HttpStatusCode.Created);

        var seen = new List<string>();
        var url = "/v1/Faxes?To=" + Uri.EscapeDataString(To) + "&PageSize=2";
        var pages = 0;
        while (url is not null)
        {
            var page = await JsonAsync(await account.Basic.GetAsync(url), HttpStatusCode.OK);
            var meta = page.GetProperty("meta");
            Assert.Equal("faxes", meta.GetProperty("key").GetString());
            Assert.Equal(2, meta.GetProperty("page_size").GetInt32());
            Assert.Equal(pages, meta.GetProperty("page").GetInt32());
            seen.AddRange(page.GetProperty("faxes").EnumerateArray().Select(f => f.GetProperty("sid").GetString()!));
            url = meta.GetProperty("next_page_url").GetString()?.Replace("https://gateway.example", "", StringComparison.Ordinal);
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(created), seen);

        var byOffset = await JsonAsync(await account.Basic.GetAsync("/v1/Faxes?To=" + Uri.EscapeDataString(To) + "&PageSize=2&Page=1"), HttpStatusCode.OK);
        Assert.Equal(seen.Skip(2).Take(2), byOffset.GetProperty("faxes").EnumerateArray().Select(f => f.GetProperty("sid").GetString()!));
        Assert.NotNull(byOffset.GetProperty("meta").GetProperty("previous_page_url").GetString());

        var all = await JsonAsync(await account.Basic.GetAsync("/v1/Faxes"), HttpStatusCode.OK);
        Assert.Equal(6, all.GetProperty("faxes").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("meta").GetProperty("next_page_url").ValueKind);
        var after = await JsonAsync(await account.Basic.GetAsync("/v1/Faxes?DateCreatedAfter=2026-11-22T12:00:02Z"), HttpStatusCode.OK);
        Assert.Equal(3, after.GetProperty("faxes").GetArrayLength());

        await AssertTwilioErrorAsync(await account.Basic.GetAsync("/v1/Faxes?PageToken=PTbogus"), HttpStatusCode.BadRequest, TwilioErrorCodes.InvalidParameter);
        await AssertTwilioErrorAsync(await account.Basic.GetAsync("/v1/Faxes?PageSize=-1"), HttpStatusCode.BadRequest, TwilioErrorCodes.InvalidParameter);
        await AssertTwilioErrorAsync(await account.Basic.GetAsync("/v1/Faxes?DateCreatedAfter=yesterday"), HttpStatusCode.BadRequest, TwilioErrorCodes.InvalidParameter);
    }

    [Fact]
    public async Task Deleting_media_leaves_the_fax()
    {
        using var factory = new TwilioGatewayFactory();
        var account = await factory.CreateAccountAsync();
        await using var app = await StartAppAsync(account);
        var sid = (await CreateAsync(account, app)).GetProperty("sid").GetString()!;
        await factory.Get<TwilioFaxService>().ProcessOpenAsync(CancellationToken.None);
        var mediaSid = (await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}"), HttpStatusCode.OK)).GetProperty("media_sid").GetString()!;

        Assert.Equal(HttpStatusCode.NoContent, (await account.Basic.DeleteAsync($"/v1/Faxes/{sid}/Media/{mediaSid}")).StatusCode);

        var list = await JsonAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}/Media"), HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("media").GetArrayLength());
        await AssertTwilioErrorAsync(await account.Basic.GetAsync($"/v1/Faxes/{sid}/Media/{mediaSid}"), HttpStatusCode.NotFound, TwilioErrorCodes.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await account.Basic.GetAsync($"/v1/Faxes/{sid}")).StatusCode);
    }
}
