using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Web;
using FaxGateway.Core.Twilio;
using FaxGateway.Tests.Operations;

namespace FaxGateway.Tests.EndToEnd;

/// <summary>
/// The Twilio face end to end, as a user runs it: <c>faxgw run --simulate 3</c> as a process, numbers routed with
/// <c>faxgw number set</c> to a local TwiML app that checks every X-Twilio-Signature with the account's AuthToken,
/// real T.30 calls through the simulator, and the results seen through both API faces (Twilio and FAX.PLUS).
/// </summary>
[Collection(DaemonProcessCollection.Name)]
public sealed class TwilioSimulatedTests
{
    private static readonly string FaxGw = Path.Combine(AppContext.BaseDirectory, "faxgw.dll");

    [Fact]
    public async Task Incoming_calls_routed_by_a_TwiML_app_are_received_or_rejected()
    {
        using var temp = new TempFolder();
        var pdf = Path.Combine(temp.Path, "letter.pdf");
        SimulatedDaemonTests.MakePdf(pdf, pages: 2);
        using var app = new TwimlApp();

        // A rejected call is never answered: the sender sees no answer. One try, so the job ends at once.
        var environment = new Dictionary<string, string> { ["FAXGW_Queue__NoAnswer__Tries"] = "1" };
        using var daemon = DaemonProcess.Start(Path.Combine(temp.Path, "data"), environment, "--simulate", "3");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (http, numbers, account) = await StartAsync(daemon, cts.Token);
        using var _ = http;

        // The routing is read from storage on each call, so the CLI sets it while the daemon runs.
        SetNumber(daemon, numbers[1], app.Url("/fax/receive"));
        SetNumber(daemon, numbers[2], app.Url("/fax/reject"));
        app.AuthToken = account.AuthToken;

        var path = await UploadAsync(http, pdf, cts.Token);
        var send = await http.PostAsJsonAsync("/v3/accounts/self/outbox", new { from = numbers[0], to = new[] { numbers[1] }, files = new[] { path }, return_ids = true }, cts.Token);
        Assert.Equal(HttpStatusCode.Created, send.StatusCode);

        // Receive: the signed incoming-call request, then the signed action callback with the media.
        var incoming = (await app.WaitForAsync("/fax/receive", 1, cts.Token))[0];
        Assert.True(incoming.SignatureValid, "incoming-call request signature");
        Assert.Equal("POST", incoming.Method);
        Assert.Equal(account.AccountSid, incoming.Form["AccountSid"]);
        Assert.Equal(numbers[1], incoming.Form["To"]);
        // The simulated line passes the calling line's number on as caller id, as the daemon prints it.
        Assert.Equal(numbers[0], incoming.Form["From"]);
        Assert.Equal("v1", incoming.Form["ApiVersion"]);
        var faxSid = incoming.Form["FaxSid"];
        Assert.Matches("^FX[0-9a-f]{32}$", faxSid);

        var action = (await app.WaitForAsync("/fax/received", 1, cts.Token))[0];
        Assert.True(action.SignatureValid, "action callback signature");
        Assert.Equal(faxSid, action.Form["FaxSid"]);
        Assert.Equal(numbers[0], action.Form["From"]);
        Assert.Equal(numbers[1], action.Form["To"]);
        Assert.Equal("received", action.Form["FaxStatus"]);
        Assert.Equal("2", action.Form["NumPages"]);
        var mediaUrl = action.Form["MediaUrl"];
        Assert.False(string.IsNullOrEmpty(mediaUrl), "MediaUrl in the action callback");

        // The media: Basic auth with the account's credentials, PDF by default; nothing without them.
        using (var anonymous = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(mediaUrl, cts.Token)).StatusCode);
        }

        using var twilio = TwilioClient(daemon, account);
        var media = await twilio.GetAsync(mediaUrl, cts.Token);
        Assert.Equal(HttpStatusCode.OK, media.StatusCode);
        var mediaPath = Path.Combine(temp.Path, "received.pdf");
        await File.WriteAllBytesAsync(mediaPath, await media.Content.ReadAsByteArrayAsync(cts.Token), cts.Token);
        Assert.Matches(@"Pages:\s+2\b", SystemdUnitTests.Run("pdfinfo", mediaPath).Output);

        // The same fax in the FAX.PLUS inbox, and the Fax resource says received.
        var inbox = await InboxAsync(http, cts.Token);
        var record = Assert.Single(inbox);
        Assert.Equal(2, record.GetProperty("pages").GetInt32());
        var fax = await twilio.GetFromJsonAsync<JsonElement>($"/v1/Faxes/{faxSid}", cts.Token);
        Assert.Equal("received", fax.GetProperty("status").GetString());
        Assert.Equal("inbound", fax.GetProperty("direction").GetString());
        Assert.Equal(numbers[0], fax.GetProperty("from").GetString());
        Assert.Equal(numbers[0], record.GetProperty("from").GetString());

        // Reject: the TwiML app refuses the call; it is not answered, nothing reaches the inbox, the sender fails.
        var rejectSend = await http.PostAsJsonAsync("/v3/accounts/self/outbox", new { from = numbers[0], to = new[] { numbers[2] }, files = new[] { path }, return_ids = true }, cts.Token);
        Assert.Equal(HttpStatusCode.Created, rejectSend.StatusCode);
        var rejected = (await app.WaitForAsync("/fax/reject", 1, cts.Token))[0];
        Assert.True(rejected.SignatureValid, "incoming-call request signature (reject)");
        Assert.Equal(numbers[2], rejected.Form["To"]);
        var rejectedSid = rejected.Form["FaxSid"];

        // The Fax is stored once the TwiML answer is in (a 404 until then); a rejected one ends canceled.
        await Eventually.WaitUntilAsync(
            async () =>
            {
                var response = await twilio.GetAsync($"/v1/Faxes/{rejectedSid}", cts.Token);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return false;
                }

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var f = await response.Content.ReadFromJsonAsync<JsonElement>(cts.Token);
                return f.GetProperty("status").GetString() == "canceled";
            },
            cts.Token);
        var failed = await Eventually.WaitForAsync(
            async () =>
            {
                var sent = await FaxesAsync(http, "sent", cts.Token);
                var record = sent.FirstOrDefault(r => r.GetProperty("to").GetString() == numbers[2]);
                return record.ValueKind == JsonValueKind.Object ? record.GetRawText() : null;
            },
            cts.Token);
        // The sender's call rang out unanswered; with one no-answer try the job ends failed at once, no page sent.
        var failedRecord = JsonDocument.Parse(failed).RootElement;
        Assert.Equal("failed_no_answer", failedRecord.GetProperty("status").GetString());
        Assert.Equal(0, failedRecord.GetProperty("pages").GetInt32());
        Assert.Single(await InboxAsync(http, cts.Token));
        Assert.Single(app.Requests("/fax/received"));
        var metrics = await http.GetStringAsync("/metrics", cts.Token);
        Assert.Contains("faxgw_line_calls_total{line=\"sim2\",direction=\"receive\",result=\"rejected\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fax_sent_through_v1_Faxes_is_delivered_with_signed_status_callbacks()
    {
        using var temp = new TempFolder();
        var pdf = Path.Combine(temp.Path, "letter.pdf");
        SimulatedDaemonTests.MakePdf(pdf, pages: 2);
        using var app = new TwimlApp { Document = await File.ReadAllBytesAsync(pdf) };
        using var daemon = DaemonProcess.Start(Path.Combine(temp.Path, "data"), null, "--simulate", "2");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (http, numbers, account) = await StartAsync(daemon, cts.Token);
        using var _ = http;
        app.AuthToken = account.AuthToken;
        using var twilio = TwilioClient(daemon, account);

        var create = await twilio.PostAsync("/v1/Faxes", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["To"] = numbers[1],
            ["From"] = numbers[0],
            ["MediaUrl"] = app.Url("/media/letter.pdf"),
            ["StatusCallback"] = app.Url("/status"),
        }), cts.Token);
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var created = await create.Content.ReadFromJsonAsync<JsonElement>(cts.Token);
        var sid = created.GetProperty("sid").GetString()!;
        Assert.Equal("queued", created.GetProperty("status").GetString());
        Assert.Equal("outbound", created.GetProperty("direction").GetString());

        // Callbacks may arrive in parallel (docs/api.md): look at FaxStatus, not the order.
        var callbacks = await Eventually.WaitForAsync(
            () =>
            {
                var all = app.Requests("/status");
                // A fast call queues "sending" and "delivered" together and they are posted in parallel:
                // wait for every status of the fax, whatever order they land in.
                return Task.FromResult(all.Any(r => r.Form["FaxStatus"] == "delivered") && all.Any(r => r.Form["FaxStatus"] == "sending") ? all : null);
            },
            cts.Token);
        Assert.All(callbacks, c => Assert.True(c.SignatureValid, "status callback signature"));
        Assert.All(callbacks, c => Assert.Equal(sid, c.Form["FaxSid"]));
        Assert.All(callbacks, c => Assert.Equal(account.AccountSid, c.Form["AccountSid"]));
        var delivered = callbacks.Single(c => c.Form["FaxStatus"] == "delivered");
        Assert.Equal("2", delivered.Form["NumPages"]);
        Assert.Equal(app.Url("/media/letter.pdf"), delivered.Form["OriginalMediaUrl"]);
        Assert.Contains(callbacks, c => c.Form["FaxStatus"] == "sending");
        Assert.Single(app.Requests("/media/letter.pdf"));

        var fax = await twilio.GetFromJsonAsync<JsonElement>($"/v1/Faxes/{sid}", cts.Token);
        Assert.Equal("delivered", fax.GetProperty("status").GetString());
        Assert.Equal(2, fax.GetProperty("num_pages").GetInt32());
        Assert.Equal(numbers[1], fax.GetProperty("to").GetString());

        // One queue: the same fax in FAX.PLUS's sent list, and its arrival in the inbox (sim1 has no TwiML routing).
        var sent = Assert.Single(await FaxesAsync(http, "sent", cts.Token));
        Assert.Equal(numbers[1], sent.GetProperty("to").GetString());
        Assert.Equal("success", sent.GetProperty("status").GetString());
        Assert.Equal(2, sent.GetProperty("pages").GetInt32());
        var inbox = await Eventually.WaitForAsync(
            async () => await InboxAsync(http, cts.Token) is { Length: 1 } records ? records : null,
            cts.Token);
        Assert.Equal(2, inbox[0].GetProperty("pages").GetInt32());
    }

    private static async Task<(HttpClient Http, string[] Numbers, (string AccountSid, string AuthToken) Account)> StartAsync(DaemonProcess daemon, CancellationToken cancellationToken)
    {
        var token = await daemon.Token.WaitAsync(cancellationToken);
        var numbers = await Eventually.WaitForAsync(
            () =>
            {
                Assert.False(daemon.HasExited, daemon.Output);
                var found = System.Text.RegularExpressions.Regex.Matches(daemon.Output, @"faxgw: line sim\d+: number (\S+)").Select(m => m.Groups[1].Value).ToArray();
                return Task.FromResult(found.Length >= 2 ? found : null);
            },
            cancellationToken);
        var http = new HttpClient { BaseAddress = daemon.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await Eventually.WaitUntilAsync(
            async () =>
            {
                try
                {
                    return (await http.GetAsync("/readyz", cancellationToken)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            },
            cancellationToken);

        var credentials = SystemdUnitTests.Run("dotnet", FaxGw, "twilio", "credentials", "--data", daemon.DataDirectory, "--account", "self");
        Assert.True(credentials.Exit == 0, credentials.Output);
        var parts = credentials.Output.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, parts.Length);
        Assert.Matches("^AC[0-9a-f]{32}$", parts[0]);
        return (http, numbers, (parts[0], parts[1]));
    }

    private static void SetNumber(DaemonProcess daemon, string number, string faxUrl)
    {
        var set = SystemdUnitTests.Run("dotnet", FaxGw, "number", "set", number, "--data", daemon.DataDirectory, "--fax-url", faxUrl);
        Assert.True(set.Exit == 0, set.Output);
    }

    private static HttpClient TwilioClient(DaemonProcess daemon, (string AccountSid, string AuthToken) account)
    {
        var client = new HttpClient { BaseAddress = daemon.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(account.AccountSid + ":" + account.AuthToken)));
        return client;
    }

    private static async Task<string> UploadAsync(HttpClient http, string pdf, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(pdf, cancellationToken));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "fax_file", "letter.pdf");
        var upload = await http.PostAsync("/v3/accounts/self/files", form, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        return (await upload.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("path").GetString()!;
    }

    private static Task<JsonElement[]> InboxAsync(HttpClient http, CancellationToken cancellationToken) => FaxesAsync(http, "inbox", cancellationToken);

    private static async Task<JsonElement[]> FaxesAsync(HttpClient http, string category, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<JsonElement>($"/v3/accounts/self/faxes?category={category}", cancellationToken))
            .GetProperty("data").GetProperty("records").EnumerateArray().ToArray();
}

/// <summary>
/// A local TwiML app on 127.0.0.1: answers <c>/fax/receive</c> with <c>&lt;Receive action="/fax/received"/&gt;</c> and
/// <c>/fax/reject</c> with <c>&lt;Reject/&gt;</c>, serves <see cref="Document"/> under <c>/media/</c>, records every
/// request and checks its X-Twilio-Signature against the URL it configured and the account's AuthToken.
/// </summary>
internal sealed class TwimlApp : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<TwimlRequest> _requests = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _loop;
    private readonly string _base;

    public TwimlApp()
    {
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            _base = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        }

        _listener.Prefixes.Add(_base + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string AuthToken { get; set; } = "";

    public byte[] Document { get; init; } = [];

    public string Url(string path) => _base + path;

    public IReadOnlyList<TwimlRequest> Requests(string path) => _requests.Where(r => r.Path == path).ToArray();

    public async Task<IReadOnlyList<TwimlRequest>> WaitForAsync(string path, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var matching = Requests(path);
            if (matching.Count >= count)
            {
                return matching;
            }

            await _arrived.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under the loop.
        }

        _arrived.Dispose();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var request = context.Request;
            var path = request.Url!.AbsolutePath;
            NameValueCollection form;
            string body;
            using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync();
            }

            form = request.HttpMethod == "POST" ? HttpUtility.ParseQueryString(body) : HttpUtility.ParseQueryString(request.Url.Query);

            // The URL as the gateway was told it (ours), plus the query for GET; the parameters only for a form POST.
            var signedUrl = _base + request.RawUrl;
            var parameters = request.HttpMethod == "POST"
                ? form.AllKeys.SelectMany(k => form.GetValues(k)!.Select(v => new KeyValuePair<string, string>(k!, v))).ToArray()
                : null;
            var valid = TwilioSignature.Validate(AuthToken, request.Headers["X-Twilio-Signature"], signedUrl, parameters);
            _requests.Enqueue(new TwimlRequest(path, request.HttpMethod, form, valid));

            var response = context.Response;
            response.StatusCode = 200;
            byte[] answer;
            if (path == "/fax/receive")
            {
                response.ContentType = "application/xml";
                answer = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Receive action=\"{_base}/fax/received\"/></Response>");
            }
            else if (path == "/fax/reject")
            {
                response.ContentType = "application/xml";
                answer = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Reject/></Response>");
            }
            else if (path.StartsWith("/media/", StringComparison.Ordinal))
            {
                response.ContentType = "application/pdf";
                answer = Document;
            }
            else
            {
                answer = [];
            }

            await response.OutputStream.WriteAsync(answer);
            response.Close();
            _arrived.Release();
        }
    }
}

internal sealed record TwimlRequest(string Path, string Method, NameValueCollection Form, bool SignatureValid);
