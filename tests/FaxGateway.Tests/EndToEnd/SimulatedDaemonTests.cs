using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaxGateway.Documents.Rendering;
using FaxGateway.Imaging;
using FaxGateway.Tests.Operations;

namespace FaxGateway.Tests.EndToEnd;

/// <summary>
/// The newcomer's main job, as a user runs it: <c>faxgw run --simulate 3</c> as a process, a PDF uploaded and sent
/// to two simulated lines over the FAX.PLUS API, real T.30 calls through the simulator, signed webhooks caught
/// by a local listener, and the received faxes downloaded and compared with what was sent, pixel by pixel.
/// </summary>
[Collection(DaemonProcessCollection.Name)]
public sealed partial class SimulatedDaemonTests
{
    [Fact]
    public async Task A_pdf_sent_to_two_simulated_lines_arrives_in_the_inbox_with_signed_webhooks()
    {
        using var temp = new TempFolder();
        var pdf = Path.Combine(temp.Path, "letter.pdf");
        MakePdf(pdf, pages: 2);
        using var listener = new WebhookListener();
        using var daemon = DaemonProcess.Start(Path.Combine(temp.Path, "data"), null, "--simulate", "3");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var token = await daemon.Token.WaitAsync(cts.Token);
        IReadOnlyList<string> numbers = await LineNumbersAsync(daemon, 3, cts.Token);
        using var http = new HttpClient { BaseAddress = daemon.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await WaitReadyAsync(http, cts.Token);

        var sentHook = await RegisterHookAsync(http, listener.Url, "fax_sent", cts.Token);
        var receivedHook = await RegisterHookAsync(http, listener.Url, "fax_received", cts.Token);

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(pdf, cts.Token));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "fax_file", "letter.pdf");
        var upload = await http.PostAsync("/v3/accounts/self/files", form, cts.Token);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var path = (await upload.Content.ReadFromJsonAsync<JsonElement>(cts.Token)).GetProperty("path").GetString();

        var send = await http.PostAsJsonAsync("/v3/accounts/self/outbox", new { from = numbers[0], to = new[] { numbers[1], numbers[2] }, files = new[] { path }, return_ids = true }, cts.Token);
        Assert.Equal(HttpStatusCode.Created, send.StatusCode);

        // Both recipients: fax_sent (success) and fax_received, each correctly signed with its hook's secret.
        var sent = await listener.WaitForAsync("fax_sent", 2, cts.Token);
        var received = await listener.WaitForAsync("fax_received", 2, cts.Token);
        Assert.All(sent, d => Assert.True(d.VerifiedWith(sentHook.Secret), "fax_sent signature"));
        Assert.All(received, d => Assert.True(d.VerifiedWith(receivedHook.Secret), "fax_received signature"));
        Assert.All(sent, d => Assert.Equal("success", d.Json.GetProperty("data").GetProperty("status").GetString()));
        Assert.Equal([numbers[1], numbers[2]], sent.Select(d => d.Json.GetProperty("data").GetProperty("to").GetString()).Order());

        var inbox = await http.GetFromJsonAsync<JsonElement>("/v3/accounts/self/faxes?category=inbox", cts.Token);
        var incoming = inbox.GetProperty("data").GetProperty("records").EnumerateArray().ToArray();
        Assert.Equal(2, incoming.Length);
        var outgoing = (await http.GetFromJsonAsync<JsonElement>("/v3/accounts/self/faxes?category=sent", cts.Token))
            .GetProperty("data").GetProperty("records").EnumerateArray().ToArray();
        Assert.Equal(2, outgoing.Length);

        // What was sent: the stored document of the sent fax; what arrived: each inbox fax, as TIFF and as PDF.
        var sentPages = TiffFax.Read(new MemoryStream(await http.GetByteArrayAsync($"/v3/accounts/self/files/{outgoing[0].GetProperty("id").GetString()}?format=tiff", cts.Token)));
        // Caller id on the simulated PSTN: each received fax is from the sending line's number.
        Assert.All(incoming, fax => Assert.Equal(numbers[0], fax.GetProperty("from").GetString()));
        Assert.All(received, d => Assert.Equal(numbers[0], d.Json.GetProperty("data").GetProperty("from").GetString()));
        foreach (var fax in incoming)
        {
            Assert.Equal(2, fax.GetProperty("pages").GetInt32());
            var id = fax.GetProperty("id").GetString();
            var tiff = await http.GetByteArrayAsync($"/v3/accounts/self/files/{id}?format=tiff", cts.Token);
            var receivedPages = TiffFax.Read(new MemoryStream(tiff));
            Assert.Equal(sentPages.Count, receivedPages.Count);
            for (var p = 0; p < sentPages.Count; p++)
            {
                AssertSamePageBelowHeader(sentPages[p].Raster, receivedPages[p].Raster);
            }

            // The call's T.30 trace, through the API: the whole negotiation is there.
            var trace = await http.GetStringAsync($"/v3/accounts/self/faxes/{id}/trace", cts.Token);
            Assert.Contains("DCS", trace, StringComparison.Ordinal);
            Assert.Contains("MCF", trace, StringComparison.Ordinal);

            var pdfPath = Path.Combine(temp.Path, id + ".pdf");
            await File.WriteAllBytesAsync(pdfPath, await http.GetByteArrayAsync($"/v3/accounts/self/files/{id}?format=pdf", cts.Token), cts.Token);
            var info = SystemdUnitTests.Run("pdfinfo", pdfPath).Output;
            Assert.Matches(PagesTwo(), info);
        }

        // The same story in the metrics: pages, calls, conversion, time to sent, webhook deliveries.
        var metrics = await http.GetStringAsync("/metrics", cts.Token);
        Assert.Contains("faxgw_line_pages_total{line=\"sim0\",direction=\"send\"} 4", metrics, StringComparison.Ordinal);
        Assert.Contains("faxgw_line_calls_total{line=\"sim0\",direction=\"send\",result=\"ok\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("faxgw_document_conversion_duration_seconds_count{format=\"pdf\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("faxgw_queue_submit_to_sent_duration_seconds_count 2", metrics, StringComparison.Ordinal);
        Assert.Contains("faxgw_webhook_deliveries_total{kind=\"faxplus.fax_sent\",result=\"delivered\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("faxgw_modem_command_duration_seconds_count{line=\"sim0\",command=\"D\"} 2", metrics, StringComparison.Ordinal);

        // The admin's view of the same: faxgw status reads the daemon's database.
        var status = SystemdUnitTests.Run("dotnet", Path.Combine(AppContext.BaseDirectory, "faxgw.dll"), "status", "--data", daemon.DataDirectory);
        Assert.Equal(0, status.Exit);
        Assert.Contains("sim2", status.Output, StringComparison.Ordinal);
        Assert.Contains("sent 2", status.Output, StringComparison.Ordinal);
        var cliTrace = SystemdUnitTests.Run("dotnet", Path.Combine(AppContext.BaseDirectory, "faxgw.dll"), "trace", outgoing[0].GetProperty("id").GetString()!, "--data", daemon.DataDirectory);
        Assert.True(cliTrace.Exit == 0, cliTrace.Output);
        Assert.Contains("DIS", cliTrace.Output, StringComparison.Ordinal);
    }

    /// <summary>The header line is stamped into the top rows at send time; everything below must be the sent pixels.</summary>
    private static void AssertSamePageBelowHeader(PageRaster sent, PageRaster received)
    {
        Assert.Equal(sent.Width, received.Width);
        Assert.Equal(sent.Height, received.Height);
        Assert.Equal(sent.YDpi, received.YDpi);
        var band = PageHeaderLine.BandRows(sent.YDpi);
        for (var y = band; y < sent.Height; y++)
        {
            if (!sent.ReadRow(y).SequenceEqual(received.ReadRow(y)))
            {
                Assert.Fail($"row {y} differs between the sent and the received page");
            }
        }
    }

    private static Task<string[]> LineNumbersAsync(DaemonProcess daemon, int count, CancellationToken cancellationToken) =>
        Eventually.WaitForAsync(
            () =>
            {
                Assert.False(daemon.HasExited, daemon.Output);
                var numbers = LineNumber().Matches(daemon.Output).Select(m => m.Groups[1].Value).ToArray();
                return Task.FromResult(numbers.Length >= count ? numbers : null);
            },
            cancellationToken);

    private static Task WaitReadyAsync(HttpClient http, CancellationToken cancellationToken) =>
        Eventually.WaitUntilAsync(
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

    private static async Task<(string Id, string Secret)> RegisterHookAsync(HttpClient http, string target, string eventName, CancellationToken cancellationToken)
    {
        var response = await http.PostAsJsonAsync("/v3/hooks", new { target, @event = eventName }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var hook = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (hook.GetProperty("id").GetString()!, hook.GetProperty("secret").GetString()!);
    }

    internal static void MakePdf(string path, int pages)
    {
        var ps = new StringBuilder("%!PS\n");
        for (var p = 1; p <= pages; p++)
        {
            ps.Append("/Helvetica findfont 30 scalefont setfont 72 700 moveto (FaxGateway page ").Append(p).Append(") show\n");
            ps.Append("/Times-Roman findfont 12 scalefont setfont\n");
            for (var line = 0; line < 40; line++)
            {
                ps.Append("72 ").Append(660 - (line * 14)).Append(" moveto (Line ").Append(line).Append(": the quick brown fox jumps over the lazy dog 0123456789) show\n");
            }

            ps.Append("showpage\n");
        }

        var source = path + ".ps";
        File.WriteAllText(source, ps.ToString());
        var (exit, output) = SystemdUnitTests.Run("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-sPAPERSIZE=a4", "-sOutputFile=" + path, source);
        Assert.True(exit == 0, "gs: " + output);
    }

    [GeneratedRegex(@"faxgw: line sim\d+: number (\S+)")]
    private static partial Regex LineNumber();

    [GeneratedRegex(@"Pages:\s+2\b")]
    private static partial Regex PagesTwo();
}

/// <summary>A local HTTP listener that records webhook deliveries (body and headers); anything unexpected fails the wait.</summary>
internal sealed class WebhookListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _loop;
    private Func<Delivery, Task>? _holdNext;

    public WebhookListener()
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/hook";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>
    /// The next delivery is recorded, then its answer waits for <paramref name="whileHeld"/> (a crash test kills the
    /// sender meanwhile, so the delivery has to come again).
    /// </summary>
    public void HoldNext(Func<Delivery, Task> whileHeld) => Volatile.Write(ref _holdNext, whileHeld);

    /// <summary>Takes back a hold no delivery has used yet; false when one is using it.</summary>
    public bool CancelHold(Func<Delivery, Task> whileHeld) => Interlocked.CompareExchange(ref _holdNext, null, whileHeld) == whileHeld;

    /// <summary>How often the delivery with this id arrived (the same delivery repeated by a retry counts again).</summary>
    public int Arrivals(string deliveryId) => _deliveries.Count(d => d.DeliveryId == deliveryId);

    public async Task<IReadOnlyList<Delivery>> WaitForAsync(string eventName, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            // One delivery id may arrive more than once (at-least-once): count distinct ids.
            var matching = _deliveries.Where(d => d.Event == eventName).GroupBy(d => d.DeliveryId).Select(g => g.First()).ToArray();
            if (matching.Length >= count)
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

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
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

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var delivery = new Delivery(
                context.Request.Headers["X-FaxGateway-Event"] ?? string.Empty,
                context.Request.Headers["X-FaxGateway-Delivery"] ?? string.Empty,
                context.Request.Headers["X-FaxGateway-Signature"] ?? string.Empty,
                bytes);
            _deliveries.Enqueue(delivery);
            if (Interlocked.Exchange(ref _holdNext, null) is { } hold)
            {
                await hold(delivery);
            }

            try
            {
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
            {
                // The sender is gone (killed while the answer was held).
            }

            _arrived.Release();
        }
    }

    internal sealed record Delivery(string Event, string DeliveryId, string Signature, byte[] Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        public bool VerifiedWith(string secret) =>
            CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Body))),
                Encoding.ASCII.GetBytes(Signature));
    }
}
