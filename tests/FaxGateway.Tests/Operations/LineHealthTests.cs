using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaxGateway.Tests.EndToEnd;

namespace FaxGateway.Tests.Operations;

/// <summary>
/// A failing line on the simulator, seen as an admin sees it: its failure counters and state in /metrics move,
/// /readyz goes unready when no line is in service, and ready again once the line is probed back.
/// </summary>
[Collection(DaemonProcessCollection.Name)]
public sealed partial class LineHealthTests
{
    [Fact]
    public async Task A_line_that_keeps_failing_shows_in_metrics_goes_down_and_comes_back()
    {
        using var temp = new TempFolder();
        var pdf = Path.Combine(temp.Path, "one.pdf");
        SimulatedDaemonTests.MakePdf(pdf, pages: 1);
        var environment = new Dictionary<string, string>
        {
            ["FAXGW_Lines__MaxConsecutiveFailures"] = "3",
            ["FAXGW_Lines__ProbeInterval"] = "00:00:03",
        };
        using var daemon = DaemonProcess.Start(Path.Combine(temp.Path, "data"), environment, "--simulate", "1");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var token = await daemon.Token.WaitAsync(cts.Token);
        using var http = new HttpClient { BaseAddress = daemon.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await Eventually.WaitUntilAsync(async () => await StatusAsync(http, "/readyz") == HttpStatusCode.OK, cts.Token);
        var ownNumber = LineNumber().Match(daemon.Output).Groups[1].Value;

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(pdf, cts.Token));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "fax_file", "one.pdf");
        var path = (await (await http.PostAsync("/v3/accounts/self/files", form, cts.Token)).Content.ReadFromJsonAsync<JsonElement>(cts.Token)).GetProperty("path").GetString();

        // Three numbers nobody answers on the simulated exchange: NO CARRIER three times in a row.
        var send = await http.PostAsJsonAsync("/v3/accounts/self/outbox", new { from = ownNumber, to = new[] { "5559001", "5559002", "5559003" }, files = new[] { path } }, cts.Token);
        Assert.Equal(HttpStatusCode.Created, send.StatusCode);

        await Eventually.WaitUntilAsync(async () => await StatusAsync(http, "/readyz") == HttpStatusCode.ServiceUnavailable, cts.Token);
        var metrics = await Eventually.WaitForAsync(
            async () =>
            {
                var text = await http.GetStringAsync("/metrics", cts.Token);
                return text.Contains("faxgw_line_state{line=\"sim0\",state=\"down\"} 1", StringComparison.Ordinal) ? text : null;
            },
            cts.Token);
        Assert.Contains("faxgw_line_failures_total{line=\"sim0\",reason=\"no_carrier\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains("faxgw_line_calls_total{line=\"sim0\",direction=\"send\",result=\"no_carrier\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains("faxgw_line_consecutive_failures{line=\"sim0\"} 3", metrics, StringComparison.Ordinal);

        // The pool probes the out-of-service line; the modem answers, so the line and the gateway are back.
        await Eventually.WaitUntilAsync(async () => await StatusAsync(http, "/readyz") == HttpStatusCode.OK, cts.Token);
        await Eventually.WaitUntilAsync(
            async () => (await http.GetStringAsync("/metrics", cts.Token)).Contains("faxgw_line_state{line=\"sim0\",state=\"idle\"} 1", StringComparison.Ordinal),
            cts.Token);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0; // not listening yet
        }
    }

    [GeneratedRegex(@"faxgw: line sim0: number (\S+)")]
    private static partial Regex LineNumber();
}
