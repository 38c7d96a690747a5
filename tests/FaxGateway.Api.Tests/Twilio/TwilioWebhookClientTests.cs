using System.Net;
using System.Net.Sockets;
using System.Text;
using FaxGateway.Api.Twilio;
using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Api.Tests.Twilio;

public sealed class TwilioWebhookClientTests
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    private static readonly KeyValuePair<string, string>[] IncomingParams =
    [
        new("FaxSid", "FX0123456789abcdef0123456789abcdef"),
        new("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        new("From", "+14155551234"),
        new("To", "+14155554321"),
        new("ApiVersion", "v1"),
        new("RemoteStationId", "ACME FAX & Co"),
    ];

    private static TwilioWebhookClient NewClient(TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        return new TwilioWebhookClient(new HttpClient(TwilioWebhookClient.CreateHandler(time)), time);
    }

    private static TwilioWebhookRequest Request(string url, TwimlMethod method = TwimlMethod.Post, TwilioWebhookSession? session = null) => new()
    {
        Url = url,
        Method = method,
        Parameters = IncomingParams,
        AuthToken = Token,
        Session = session,
    };

    [Fact]
    public async Task Post_sends_a_signed_utf8_form()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", () => Results.Text("<Response><Receive/></Response>", "text/xml")));

        var response = await NewClient().SendAsync(Request(app.Url("/fax?tenant=7")), CancellationToken.None);

        Assert.Equal("<Response><Receive/></Response>", Encoding.UTF8.GetString(response.Body));
        var seen = Assert.Single(app.Requests);
        Assert.True(seen.SignatureValid);
        Assert.Equal("POST", seen.Method);
        Assert.Equal("?tenant=7", seen.Query);
        Assert.Equal(IncomingParams.OrderBy(p => p.Key, StringComparer.Ordinal), seen.Form.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.StartsWith("application/x-www-form-urlencoded", seen.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains("charset=utf-8", seen.Headers["Content-Type"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(TwilioWebhookClient.UserAgent, seen.Headers["User-Agent"]);
        Assert.Equal(TwilioSignature.Compute(Token, app.Url("/fax?tenant=7"), IncomingParams), seen.Headers[TwilioSignature.HeaderName]);
    }

    [Fact]
    public async Task Get_appends_the_parameters_to_the_query_and_signs_the_url_only()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapGet("/fax", () => "<Response><Reject/></Response>"));

        await NewClient().SendAsync(Request(app.Url("/fax?tenant=7"), TwimlMethod.Get), CancellationToken.None);

        var seen = Assert.Single(app.Requests);
        Assert.True(seen.SignatureValid);
        Assert.Equal("GET", seen.Method);
        Assert.Empty(seen.Form);
        Assert.StartsWith("?tenant=7&FaxSid=FX0123456789abcdef0123456789abcdef&", seen.Query, StringComparison.Ordinal);
        Assert.Contains("RemoteStationId=ACME%20FAX%20%26%20Co", seen.Query, StringComparison.Ordinal);
        Assert.Equal(TwilioSignature.Compute(Token, seen.Url, null), seen.Headers[TwilioSignature.HeaderName]);
    }

    [Theory]
    [InlineData(301, "GET")]
    [InlineData(302, "GET")]
    [InlineData(303, "GET")]
    [InlineData(307, "POST")]
    [InlineData(308, "POST")]
    public async Task Redirects_are_followed_like_a_browser_and_re_signed(int status, string method)
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) =>
        {
            a.MapPost("/start", (HttpContext c) =>
            {
                c.Response.StatusCode = status;
                c.Response.Headers.Location = "/moved/here?x=1#frag";
                return Task.CompletedTask;
            });
            a.MapMethods("/moved/here", ["GET", "POST"], () => "<Response><Receive/></Response>");
        });

        var response = await NewClient().SendAsync(Request(app.Url("/start")), CancellationToken.None);

        Assert.Equal(app.Url("/moved/here?x=1"), response.FinalUrl.ToString());
        var hops = app.Requests.ToArray();
        Assert.Equal(2, hops.Length);
        Assert.All(hops, h => Assert.True(h.SignatureValid));
        Assert.Equal(method, hops[1].Method);
        Assert.Equal(method == "POST" ? 6 : 0, hops[1].Form.Count);
    }

    [Fact]
    public async Task Redirect_loop_stops_after_ten_hops()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/loop", () => Results.Redirect("/loop", permanent: false, preserveMethod: true)));

        var ex = await Assert.ThrowsAsync<TwilioWebhookException>(() => NewClient().SendAsync(Request(app.Url("/loop")), CancellationToken.None));

        Assert.Equal(TwilioWebhookFailure.Redirect, ex.Failure);
        Assert.Equal(TwilioWebhookClient.MaxRedirects + 1, app.Requests.Count);
    }

    [Fact]
    public async Task Cookies_are_sent_back_within_a_session_only()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", (HttpContext c) =>
        {
            c.Response.Headers.Append("Set-Cookie", "tenant_session=abc123; Path=/");
            return "<Response><Receive/></Response>";
        }));
        var client = NewClient();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var sessions = new TwilioWebhookSessions(time);

        await client.SendAsync(Request(app.Url("/fax"), session: sessions.For("AC1", "+1", "+2")), CancellationToken.None);
        await client.SendAsync(Request(app.Url("/fax"), session: sessions.For("AC1", "+1", "+2")), CancellationToken.None);
        await client.SendAsync(Request(app.Url("/fax"), session: sessions.For("AC2", "+1", "+2")), CancellationToken.None);
        await client.SendAsync(Request(app.Url("/fax"), session: sessions.For("AC1", "+1", "+3")), CancellationToken.None);
        time.Advance(TwilioWebhookSessions.Lifetime);
        await client.SendAsync(Request(app.Url("/fax"), session: sessions.For("AC1", "+1", "+2")), CancellationToken.None);

        var cookies = app.Requests.Select(r => r.Headers.GetValueOrDefault("Cookie") ?? "-").ToArray();
        Assert.Equal(["-", "tenant_session=abc123", "-", "-", "-"], cookies);
    }

    [Fact]
    public void Session_is_kept_four_hours_after_its_last_use()
    {
        var time = new FakeTimeProvider();
        var sessions = new TwilioWebhookSessions(time);
        var first = sessions.For("AC1", "+1", "+2");
        time.Advance(TimeSpan.FromHours(3));
        Assert.Same(first, sessions.For("AC1", "+1", "+2"));
        time.Advance(TimeSpan.FromHours(3.9));
        Assert.Same(first, sessions.For("AC1", "+1", "+2"));
        time.Advance(TimeSpan.FromHours(4));
        Assert.Equal(0, sessions.Count);
        Assert.NotSame(first, sessions.For("AC1", "+1", "+2"));
    }

    [Fact]
    public async Task Userinfo_credentials_are_sent_after_a_basic_challenge_and_never_in_the_url()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", (HttpContext c) =>
        {
            if (c.Request.Headers.Authorization != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("tenant:s3cret")))
            {
                c.Response.Headers.WWWAuthenticate = "Basic realm=\"fax\"";
                return Results.StatusCode(401);
            }

            return Results.Text("<Response><Receive/></Response>");
        }));
        var session = new TwilioWebhookSession();
        var url = app.Url("/fax").Replace("http://", "http://tenant:s3cret@", StringComparison.Ordinal);

        await NewClient().SendAsync(Request(url, session: session), CancellationToken.None);
        await NewClient().SendAsync(Request(url, session: session), CancellationToken.None);

        var seen = app.Requests.ToArray();
        Assert.Equal(3, seen.Length);
        Assert.False(seen[0].Headers.ContainsKey("Authorization"));
        Assert.True(seen[1].Headers.ContainsKey("Authorization"));
        Assert.True(seen[2].Headers.ContainsKey("Authorization"));
        Assert.All(seen, s => Assert.True(s.SignatureValid));
        Assert.All(seen, s => Assert.DoesNotContain("s3cret", s.Url, StringComparison.Ordinal));
    }

    [Fact]
    public void Digest_response_matches_the_rfc_2617_example()
    {
        Assert.Equal(
            "6629fae49393a05397450978507c4ef1",
            HttpDigest.Response("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth"));
    }

    [Fact]
    public async Task Userinfo_credentials_answer_a_digest_challenge()
    {
        const string Nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", (HttpContext c) =>
        {
            var header = c.Request.Headers.Authorization.ToString();
            var fields = System.Text.RegularExpressions.Regex.Matches(header, "(\\w+)=\"?([^\",]*)\"?")
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            var expected = header.StartsWith("Digest ", StringComparison.Ordinal)
                ? HttpDigest.Response("MD5", "tenant", "fax", "s3cret", c.Request.Method, c.Request.Path + c.Request.QueryString, Nonce, fields["nc"], fields["cnonce"], fields["qop"])
                : null;
            if (expected is null || fields["response"] != expected || fields["opaque"] != "op4que")
            {
                c.Response.Headers.WWWAuthenticate = $"Digest realm=\"fax\", qop=\"auth,auth-int\", nonce=\"{Nonce}\", opaque=\"op4que\"";
                return Results.StatusCode(401);
            }

            return Results.Text("<Response><Receive/></Response>");
        }));
        var session = new TwilioWebhookSession();
        var url = app.Url("/fax?x=1").Replace("http://", "http://tenant:s3cret@", StringComparison.Ordinal);

        await NewClient().SendAsync(Request(url, session: session), CancellationToken.None);
        await NewClient().SendAsync(Request(url, session: session), CancellationToken.None);

        var seen = app.Requests.ToArray();
        Assert.Equal(3, seen.Length);
        Assert.False(seen[0].Headers.ContainsKey("Authorization"));
        Assert.StartsWith("Digest ", seen[1].Headers["Authorization"], StringComparison.Ordinal);
        Assert.Contains("nc=00000002", seen[2].Headers["Authorization"], StringComparison.Ordinal);
        Assert.All(seen, s => Assert.True(s.SignatureValid));
    }

    [Fact]
    public async Task Non_2xx_fails_and_is_not_retried_by_default()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", () => Results.StatusCode(503)));

        var ex = await Assert.ThrowsAsync<TwilioWebhookException>(() => NewClient().SendAsync(Request(app.Url("/fax")), CancellationToken.None));

        Assert.Equal(TwilioWebhookFailure.HttpStatus, ex.Failure);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(TwilioErrorCodes.HttpRetrievalFailure, ex.ErrorCode);
        Assert.Single(app.Requests);
    }

    [Fact]
    public async Task Retry_policy_and_count_come_from_the_fragment_which_is_never_sent()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", () => Results.StatusCode(500)));

        await Assert.ThrowsAsync<TwilioWebhookException>(() => NewClient().SendAsync(Request(app.Url("/fax#rc=3&rp=5xx")), CancellationToken.None));

        Assert.Equal(4, app.Requests.Count);
        Assert.All(app.Requests, r => Assert.True(r.SignatureValid));
        Assert.All(app.Requests, r => Assert.Equal(app.Url("/fax"), r.Url));
    }

    [Fact]
    public async Task Refused_connection_is_a_connect_failure()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var ex = await Assert.ThrowsAsync<TwilioWebhookException>(() => NewClient().SendAsync(Request($"http://127.0.0.1:{port}/fax"), CancellationToken.None));

        Assert.Equal(TwilioWebhookFailure.Connect, ex.Failure);
        Assert.Equal(TwilioErrorCodes.HttpConnectionFailure, ex.ErrorCode);
    }

    [Fact]
    public async Task No_answer_within_the_read_timeout_fails()
    {
        var time = new FakeTimeProvider();
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", async (HttpContext c) =>
        {
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        }));

        var pending = NewClient(time).SendAsync(Request(app.Url("/fax#rt=2000")), CancellationToken.None);
        await app.WaitForRequestAsync();
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var ex = await Assert.ThrowsAsync<TwilioWebhookException>(() => pending);
        Assert.Equal(TwilioWebhookFailure.ReadTimeout, ex.Failure);
    }

    [Fact]
    public async Task Total_time_bounds_the_whole_request()
    {
        var time = new FakeTimeProvider();
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", async (HttpContext c) =>
        {
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        }));

        var pending = NewClient(time).SendAsync(Request(app.Url("/fax#tt=3000")), CancellationToken.None);
        await app.WaitForRequestAsync();
        time.Advance(TimeSpan.FromSeconds(3));

        var ex = await Assert.ThrowsAsync<TwilioWebhookException>(() => pending);
        Assert.Equal(TwilioWebhookFailure.TotalTimeout, ex.Failure);
    }

    [Fact]
    public async Task Ten_megabyte_answer_is_refused_while_streaming()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/xml";
            var chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
            try
            {
                await c.Response.Body.WriteAsync("<Response><Receive/><!--"u8.ToArray(), c.RequestAborted);
                for (var i = 0; i < 160; i++)
                {
                    await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client hung up: what the test expects.
            }
        }));
        using var kept = new MemoryStream();

        var ex = await Assert.ThrowsAsync<TwilioWebhookException>(() => NewClient().SendAsync(
            Request(app.Url("/fax")) with { BodyDestination = kept },
            CancellationToken.None));

        Assert.Equal(TwilioWebhookFailure.TooLarge, ex.Failure);
        Assert.Equal(TwilioErrorCodes.ResponseBodyTooLarge, ex.ErrorCode);
        Assert.True(kept.Length <= TwimlParser.DefaultMaxBytes, $"client kept {kept.Length} bytes");
    }

    [Fact]
    public async Task Declared_oversized_answer_is_refused_before_reading()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/fax", (HttpContext c) =>
        {
            c.Response.ContentLength = 10 * 1024 * 1024;
            return c.Response.Body.WriteAsync(new byte[1024], c.RequestAborted).AsTask();
        }));

        var ex = await Assert.ThrowsAsync<TwilioWebhookException>(() => NewClient().SendAsync(Request(app.Url("/fax")), CancellationToken.None));
        Assert.Equal(TwilioWebhookFailure.TooLarge, ex.Failure);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/fax")]
    [InlineData("/relative")]
    [InlineData("file:///etc/passwd")]
    public async Task Non_http_urls_are_refused(string url)
    {
        var ex = await Assert.ThrowsAsync<TwilioWebhookException>(() => NewClient().SendAsync(Request(url), CancellationToken.None));
        Assert.Equal(TwilioWebhookFailure.InvalidUrl, ex.Failure);
    }

    [Fact]
    public async Task Signature_check_middleware_answers_400_without_header_and_403_on_mismatch()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/guarded", () => "ok").RequireTwilioSignature(_ => Token));
        using var plain = new HttpClient();
        var form = new FormUrlEncodedContent(IncomingParams);

        var missing = await plain.PostAsync(app.Url("/guarded"), form);
        using var forged = new HttpRequestMessage(HttpMethod.Post, app.Url("/guarded")) { Content = new FormUrlEncodedContent(IncomingParams) };
        forged.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute("wrong-token", app.Url("/guarded"), IncomingParams));
        var mismatch = await plain.SendAsync(forged);
        var ours = await NewClient().SendAsync(Request(app.Url("/guarded")), CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mismatch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ours.StatusCode);
    }
}
