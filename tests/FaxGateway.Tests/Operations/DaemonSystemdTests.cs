using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FaxGateway.Tests.Operations;

/// <summary>The daemon process under a test notify socket, as systemd would run it (Type=notify, WatchdogSec).</summary>
[Collection(DaemonProcessCollection.Name)]
public sealed class DaemonSystemdTests
{
    [Fact]
    public async Task Daemon_sends_READY_and_keeps_the_watchdog_alive_and_answers_health_checks()
    {
        using var temp = new TempFolder();
        var socketPath = Path.Combine(temp.Path, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var environment = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = socketPath,
            ["WATCHDOG_USEC"] = "400000",
        };

        using var daemon = DaemonProcess.Start(Path.Combine(temp.Path, "data"), environment, "--simulate", "2");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var messages = new List<string>();
        var buffer = new byte[4096];
        while (messages.Count(m => m.Contains("WATCHDOG=1", StringComparison.Ordinal)) < 3)
        {
            var n = await notify.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
        }

        Assert.Contains(messages, m => m.Split('\n').Contains("READY=1"));
        var ready = messages.FindIndex(m => m.Split('\n').Contains("READY=1"));
        var firstPing = messages.FindIndex(m => m.Contains("WATCHDOG=1", StringComparison.Ordinal));
        Assert.True(ready < firstPing, "READY=1 comes before the first watchdog ping: " + string.Join(" | ", messages));

        using var http = new HttpClient { BaseAddress = daemon.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", cts.Token)).StatusCode);
        var readyz = await http.GetAsync("/readyz", cts.Token);
        Assert.True(readyz.StatusCode == HttpStatusCode.OK, await readyz.Content.ReadAsStringAsync(cts.Token) + daemon.Output);
        // Line health reaches the metrics with the next health snapshot (every 2 s).
        await Eventually.WaitUntilAsync(
            async () => (await http.GetStringAsync("/metrics", cts.Token)).Contains("faxgw_line_state{line=\"sim0\",state=\"idle\"} 1", StringComparison.Ordinal),
            cts.Token);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DaemonProcessCollection
{
    public const string Name = "daemon processes";
}
