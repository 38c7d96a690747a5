using BenchmarkDotNet.Attributes;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Benchmarks.Protocol;

/// <summary>
/// Engine step cost: whole calls between two T.30 engines in memory (no modem, no timing), so the
/// figure is pure protocol work. Steps = engine inputs per call (printed by the setup); divide the
/// mean by it for the cost of one step.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class T30EngineBenchmarks
{
    private InMemoryLine? _line;

    [Params(false, true)]
    public bool Ecm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _line = new InMemoryLine(pages: 3, bytesPerPage: 20_000, Ecm);
        var steps = _line.RunCall();
        Console.WriteLine($"// T.30 call, ECM={Ecm}: {steps} engine inputs, {_line.FramesExchanged} V.21/ECM frames per 3-page call");
    }

    [Benchmark(Description = "3-page call, both engines")]
    public int Call() => _line!.RunCall();

    /// <summary>A minimal pump between two sessions: every transmission is delivered whole, time jumps.</summary>
    private sealed class InMemoryLine(int pages, int bytesPerPage, bool ecm)
    {
        private readonly Source _source = new(pages, bytesPerPage);
        private readonly ManualTime _time = new();
        private readonly Queue<(T30Session From, T30Command Command)> _queue = new();
        private readonly Dictionary<T30Session, T30Command?> _listening = [];

        public int FramesExchanged { get; private set; }

        public int RunCall()
        {
            var caller = new T30Session(new T30SessionOptions { Role = CallRole.Caller, PageSource = _source, UseEcm = ecm }, _time);
            var answerer = new T30Session(new T30SessionOptions { Role = CallRole.Answerer, PageSink = new Sink(), UseEcm = ecm }, _time);
            _listening[caller] = null;
            _listening[answerer] = null;
            var steps = 2;
            FramesExchanged = 0;
            Apply(answerer, answerer.Start());
            Apply(caller, caller.Start());
            while (!(caller.IsFinished && answerer.IsFinished))
            {
                if (_queue.Count == 0)
                {
                    var next = caller.NextDeadline ?? answerer.NextDeadline ?? throw new InvalidOperationException("hang");
                    _time.Now = next;
                    Apply(caller, caller.OnTimer(next));
                    Apply(answerer, answerer.OnTimer(next));
                    steps += 2;
                    continue;
                }

                var (from, command) = _queue.Dequeue();
                var to = ReferenceEquals(from, caller) ? answerer : caller;
                switch (command)
                {
                    case SendFrames f:
                        foreach (var frame in f.Frames)
                        {
                            if (_listening[to] is ReceiveImage)
                            {
                                Apply(to, to.OnCarrier(FaxCarrier.V21, true));
                                steps++;
                            }

                            FramesExchanged++;
                            Apply(to, to.OnFrame(frame.Bytes.Span, true));
                            steps++;
                        }

                        break;
                    case SendTcf t:
                        Apply(to, to.OnTcf(new TcfStatistics(t.Octets, 0, t.Octets * 8L)));
                        steps++;
                        break;
                    case SendImage i:
                        Apply(to, to.OnPageData(i.Data.Span));
                        Apply(to, to.OnPageEnd());
                        steps += 2;
                        break;
                    case SendEcmBlock b:
                        foreach (var frame in b.Frames)
                        {
                            FramesExchanged++;
                            Apply(to, to.OnFrame(frame.Bytes.Span, true));
                            steps++;
                        }

                        Apply(to, to.OnPageEnd());
                        steps++;
                        break;
                    default:
                        break;
                }

                _time.Now += TimeSpan.FromMilliseconds(100);
                Apply(from, from.OnTransmitComplete());
                steps++;
            }

            return steps;
        }

        private void Apply(T30Session who, IReadOnlyList<T30Command> batch)
        {
            foreach (var command in batch)
            {
                switch (command)
                {
                    case ReceiveHdlc or ReceiveTcf or ReceiveImage:
                        _listening[who] = command;
                        break;
                    case Silence or Hangup:
                        break;
                    default:
                        _listening[who] = null;
                        _queue.Enqueue((who, command));
                        break;
                }
            }
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class Source : IFaxPageSource
    {
        private readonly byte[] _page;

        public Source(int pages, int bytesPerPage)
        {
            PageCount = pages;
            _page = new byte[bytesPerPage];
            new Random(1).NextBytes(_page);
        }

        public int PageCount { get; }

        public FaxPageFormat GetFormat(int pageIndex) => new(FaxResolution.Fine);

        public ReadOnlyMemory<byte> GetPageData(int pageIndex, DcsParameters mode) => _page;
    }

    private sealed class Sink : IFaxPageSink
    {
        public void BeginPage(int pageIndex, DcsParameters mode)
        {
        }

        public void Write(ReadOnlySpan<byte> data)
        {
        }

        public PageVerdict EndPage() => new(CopyQuality.Good);
    }
}
