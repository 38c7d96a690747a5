using System.Collections.Concurrent;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FaxGateway.Imaging;
using FaxGateway.Modems;
using FaxGateway.Modems.Calls;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Transport;
using FaxGateway.Simulator;
using FaxGateway.Simulator.Line;

namespace FaxGateway.Benchmarks.Calls;

/// <summary>
/// The issue 4 target: 64 simultaneous Class 1 calls (128 of our engines, one per end) through the simulator in
/// real-time mode, where TCF and page data take the time their bit rate needs. Measures every T.30 response time
/// (a received frame in hand → our answer starting; the 75 ms turnaround silence follows) and the CPU the whole
/// process used (our 128 call loops and the simulator's 128 virtual modems). One invocation is one run of 64 calls;
/// the figures are printed at the end (run: dotnet run -c Release --project tests/FaxGateway.Benchmarks -- --filter '*SimultaneousCalls*').
/// </summary>
[Config(typeof(OneRun))]
public class SimultaneousCallsBenchmark
{
    /// <summary>One cold run in this process: a run is 64 real-time calls (about 20 s), not a micro-benchmark.</summary>
    private sealed class OneRun : ManualConfig
    {
        public OneRun() => AddJob(Job.Dry.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(10), logOutput: true)));
    }

    private static readonly ModemProfile Profile = new()
    {
        Name = "sim-class1",
        ResetDelayMs = 0,
        DtrDropDelayMs = 0,
        InitCommands = ["ATE0V1Q0", "ATS0=0"],
        Class1 = new Class1Settings { Modulations = [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146] },
    };

    private readonly ConcurrentBag<double> _latencies = [];
    private int _succeeded;
    private TimeSpan _cpu;
    private TimeSpan _wall;

    [Params(64)]
    public int Calls { get; set; }

    [Benchmark]
    public async Task SixtyFourCallsInRealTime()
    {
        _latencies.Clear();
        _succeeded = 0;
        await using var pstn = new VirtualPstn(new PstnOptions { RealTime = true, RingInterval = TimeSpan.FromMilliseconds(500), CedDuration = TimeSpan.FromMilliseconds(2600) });
        var page = new PageRaster(1728, 200, 204, 196);
        for (var y = 0; y < page.Height; y += 3)
        {
            for (var x = y % 50; x < 1728; x += 50)
            {
                page[x, y] = true;
            }
        }

        var pairs = new List<(FaxLine Sender, FaxLine Receiver, string Number)>();
        for (var i = 0; i < Calls; i++)
        {
            var a = pstn.AddModem();
            var b = pstn.AddModem();
            var sender = new FaxLine(new ModemConnection(new StreamModemTransport(a.OpenPort(), "a" + i), Profile), new FaxCallOptions { LocalIdent = "S" });
            var receiver = new FaxLine(new ModemConnection(new StreamModemTransport(b.OpenPort(), "b" + i), Profile), new FaxCallOptions { LocalIdent = "R" });
            sender.ResponseLatency += l => _latencies.Add(l.TotalMilliseconds);
            receiver.ResponseLatency += l => _latencies.Add(l.TotalMilliseconds);
            await sender.InitializeAsync(CancellationToken.None);
            await receiver.InitializeAsync(CancellationToken.None);
            pairs.Add((sender, receiver, b.Number));
        }

        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var calls = pairs.Select(async pair =>
        {
            var receive = Task.Run(async () =>
            {
                await pair.Receiver.WaitForRingAsync(1, budget.Token);
                return await pair.Receiver.ReceiveAsync(budget.Token);
            });
            var sent = await pair.Sender.SendAsync(pair.Number, [page], budget.Token);
            var received = await receive;
            if (sent.Success && received.Success)
            {
                Interlocked.Increment(ref _succeeded);
            }
        }).ToArray();
        await Task.WhenAll(calls);
        _wall = wall.Elapsed;
        process.Refresh();
        _cpu = process.TotalProcessorTime - cpuBefore;
        foreach (var (sender, receiver, _) in pairs)
        {
            await sender.DisposeAsync();
            await receiver.DisposeAsync();
        }
    }

    [GlobalCleanup]
    public void Report()
    {
        var sorted = _latencies.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        var cores = _cpu.TotalSeconds / _wall.TotalSeconds;
        Console.WriteLine($"// calls: {_succeeded}/{Calls} succeeded in {_wall.TotalSeconds:0.0} s; T.30 responses: {sorted.Length}, p50 {Percentile(0.50):0.00} ms, p99 {Percentile(0.99):0.00} ms, max {Percentile(1.0):0.00} ms; CPU {_cpu.TotalSeconds:0.00} s = {cores * 100:0.0} % of one core");
    }
}
