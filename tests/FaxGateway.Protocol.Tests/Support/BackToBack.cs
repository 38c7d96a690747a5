using System.Text;
using FaxGateway.Protocol.Frames;
using FaxGateway.Protocol.Session;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Protocol.Tests.Support;

/// <summary>
/// Two engines wired to each other in memory over a half-duplex "line" with simulated transmit times:
/// V.21 frames at 300 bit/s, TCF and image data at the negotiated rate. Frames can be lost or damaged
/// (seeded), TCF judged bad, non-ECM pages damaged. Time only moves through a FakeTimeProvider.
/// </summary>
internal sealed class BackToBack
{
    private readonly Random _rng;
    private readonly Queue<(T30Session From, T30Command Command)> _transmits = new();
    private readonly Dictionary<T30Session, T30Command?> _listening = [];

    public BackToBack(T30SessionOptions caller, T30SessionOptions answerer, int seed = 1)
    {
        _rng = new Random(seed);
        Caller = new T30Session(caller, Time);
        Answerer = new T30Session(answerer, Time);
        _listening[Caller] = null;
        _listening[Answerer] = null;
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public T30Session Caller { get; }

    public T30Session Answerer { get; }

    /// <summary>Probability that an HDLC frame (V.21 or ECM) is lost outright.</summary>
    public double FrameLoss { get; init; }

    /// <summary>Probability that an HDLC frame arrives with a bad FCS.</summary>
    public double FrameDamage { get; init; }

    /// <summary>Probability that an HDLC frame has bits flipped yet passes the FCS (fuzzing the engine).</summary>
    public double FrameCorruption { get; init; }

    /// <summary>Probability that a TCF arrives too noisy to pass.</summary>
    public double TcfFailure { get; init; }

    public StringBuilder Transcript { get; } = new();

    public int Steps { get; private set; }

    private string Stamp => $"{(Time.GetUtcNow() - new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)).TotalSeconds,8:F3}";

    /// <summary>Runs the call to the end of both sessions; fails on a hang (no pending work and no deadline).</summary>
    public void Run(int maxSteps = 200_000)
    {
        Apply(Answerer, Answerer.Start());
        Apply(Caller, Caller.Start());
        while (!(Caller.IsFinished && Answerer.IsFinished))
        {
            Assert.True(++Steps < maxSteps, $"no end after {maxSteps} steps\n{Tail()}");
            if (_transmits.Count > 0)
            {
                var (from, command) = _transmits.Dequeue();
                Deliver(from, command);
                continue;
            }

            var next = new[] { Caller.NextDeadline, Answerer.NextDeadline }.Where(d => d.HasValue).Select(d => d!.Value).DefaultIfEmpty().Min();
            if (next == default)
            {
                // One side finished (hung up): the other only has its timers left, and it must have one.
                Assert.Fail($"hang: nothing to send and no deadline (caller {Caller.State}, answerer {Answerer.State})\n{Tail()}");
            }

            if (next > Time.GetUtcNow())
            {
                Time.SetUtcNow(next);
            }

            Transcript.AppendLine($"{Stamp} .. timer");
            Apply(Caller, Caller.OnTimer(Time.GetUtcNow()));
            Apply(Answerer, Answerer.OnTimer(Time.GetUtcNow()));
        }
    }

    private string Tail()
    {
        var lines = Transcript.ToString().Split('\n');
        return string.Join('\n', lines.TakeLast(60));
    }

    private T30Session Other(T30Session s) => ReferenceEquals(s, Caller) ? Answerer : Caller;

    private string Name(T30Session s) => ReferenceEquals(s, Caller) ? "caller  " : "answerer";

    private void Apply(T30Session who, IReadOnlyList<T30Command> batch)
    {
        foreach (var command in batch)
        {
            Transcript.AppendLine($"{Stamp} {Name(who)} {Describe(command)}");
            switch (command)
            {
                case ReceiveHdlc or ReceiveTcf or ReceiveImage:
                    _listening[who] = command;
                    break;
                case Silence silence:
                    Time.Advance(silence.Duration);
                    break;
                case Hangup:
                    _listening[who] = null;
                    break;
                default:
                    _listening[who] = null;
                    _transmits.Enqueue((who, command));
                    break;
            }
        }
    }

    private static string Describe(T30Command command) => command switch
    {
        SendFrames f => "SendFrames " + string.Join(" ", f.Frames),
        SendEcmBlock b => $"SendEcmBlock {b.Rate} {b.Frames.Count} frames",
        SendImage i => $"SendImage {i.Rate} {i.Data.Length} octets",
        _ => command.ToString(),
    };

    private void Deliver(T30Session from, T30Command command)
    {
        var to = Other(from);
        switch (command)
        {
            case SendFrames frames:
                foreach (var frame in frames.Frames)
                {
                    Time.Advance(TimeSpan.FromSeconds((frame.Length + 4) * 8 / 300.0));
                    DeliverHdlc(to, frame, v21: true);
                }

                break;
            case SendTcf tcf:
                Time.Advance(tcf.Duration);
                if (_listening[to] is ReceiveTcf rx && rx.Rate == tcf.Rate)
                {
                    var data = new byte[tcf.Octets];
                    if (_rng.NextDouble() < TcfFailure)
                    {
                        _rng.NextBytes(data);
                    }

                    Apply(to, to.OnTcf(TcfStatistics.Measure(data)));
                }

                break;
            case SendImage image:
                Time.Advance(TimeSpan.FromSeconds(image.Data.Length * 8.0 / image.Rate.BitsPerSecond));
                if (_listening[to] is ReceiveImage { Ecm: false } rxImage && rxImage.Rate == image.Rate)
                {
                    Apply(to, to.OnPageData(image.Data.Span));
                    Apply(to, to.OnPageEnd());
                }

                break;
            case SendEcmBlock block:
                foreach (var frame in block.Frames)
                {
                    Time.Advance(TimeSpan.FromSeconds(frame.Length * 8.0 / block.Rate.BitsPerSecond));
                    if (_listening[to] is ReceiveImage { Ecm: true } rxEcm && rxEcm.Rate == block.Rate)
                    {
                        DeliverHdlc(to, frame, v21: false);
                    }
                }

                if (_listening[to] is ReceiveImage { Ecm: true })
                {
                    Apply(to, to.OnPageEnd());
                }

                break;
            default:
                break;
        }

        Apply(from, from.OnTransmitComplete());
    }

    private void DeliverHdlc(T30Session to, T30Frame frame, bool v21)
    {
        if (v21 && _listening[to] is ReceiveImage)
        {
            // +FRM hears V.21 flags: +FCERROR; the driver tells the engine, which switches to +FRH.
            Apply(to, to.OnCarrier(FaxCarrier.V21, true));
        }

        if (v21 && _listening[to] is not ReceiveHdlc)
        {
            Transcript.AppendLine($"{Stamp} {Name(to)} missed {frame}");
            return;
        }

        if (_rng.NextDouble() < FrameLoss)
        {
            Transcript.AppendLine($"{Stamp} line lost {frame}");
            return;
        }

        var damaged = _rng.NextDouble() < FrameDamage;
        if (damaged)
        {
            Transcript.AppendLine($"{Stamp} line damaged {frame}");
        }

        var bytes = frame.Bytes.ToArray();
        if (_rng.NextDouble() < FrameCorruption)
        {
            var at = _rng.Next(bytes.Length);
            bytes[at] ^= (byte)(1 << _rng.Next(8));
            Transcript.AppendLine($"{Stamp} line corrupted {frame} at octet {at}");
        }

        Apply(to, to.OnFrame(bytes, fcsOk: !damaged));
    }
}
