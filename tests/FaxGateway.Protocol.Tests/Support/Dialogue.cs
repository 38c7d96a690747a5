using System.Text;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Frames;
using FaxGateway.Protocol.Session;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Protocol.Tests.Support;

/// <summary>
/// A scripted T.30 dialogue in the manner of the TSB-85 procedures: the test plays the far end, feeds
/// frames and time in, and checks each command the engine issues. A transcript is kept for failures.
/// </summary>
internal sealed class Dialogue
{
    private IReadOnlyList<T30Command> _batch = [];

    public Dialogue(T30SessionOptions options)
    {
        Session = new T30Session(options, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public T30Session Session { get; }

    public StringBuilder Transcript { get; } = new();

    public IReadOnlyList<T30Command> Batch => _batch;

    private string Stamp => $"{(Time.GetUtcNow() - new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)).TotalSeconds,8:F3}";

    public static T30Frame Remote(FrameType type, byte[]? fif = null, bool final = true, bool x = false) =>
        T30Frame.Create(type, x, fif ?? [], final);

    public static byte[] Dis(FaxCapabilities? caps = null) => (caps ?? new FaxCapabilities()).Encode();

    public Dialogue Start()
    {
        Take(Session.Start());
        return this;
    }

    /// <summary>The far end sends these frames (the last normally final).</summary>
    public Dialogue Send(params T30Frame[] frames)
    {
        foreach (var frame in frames)
        {
            Transcript.AppendLine($"{Stamp} >> {frame}");
            Take(Session.OnFrame(frame.Bytes.Span, fcsOk: true));
        }

        return this;
    }

    /// <summary>A frame with a bad FCS (or garbage) arrives.</summary>
    public Dialogue SendBad(byte[] bytes, bool fcsOk = false)
    {
        Transcript.AppendLine($"{Stamp} >> bad frame {Convert.ToHexString(bytes)}");
        Take(Session.OnFrame(bytes, fcsOk));
        return this;
    }

    public Dialogue Elapse(TimeSpan time)
    {
        Time.Advance(time);
        Transcript.AppendLine($"{Stamp} .. timer");
        Take(Session.OnTimer(Time.GetUtcNow()));
        return this;
    }

    /// <summary>Advance to the engine's next deadline and fire it.</summary>
    public Dialogue ElapseToDeadline()
    {
        var deadline = Session.NextDeadline;
        Assert.True(deadline.HasValue, $"no deadline pending\n{Transcript}");
        Time.SetUtcNow(deadline.Value);
        Transcript.AppendLine($"{Stamp} .. deadline");
        Take(Session.OnTimer(Time.GetUtcNow()));
        return this;
    }

    public Dialogue Tcf(TcfStatistics tcf)
    {
        Transcript.AppendLine($"{Stamp} >> TCF {tcf}");
        Take(Session.OnTcf(tcf));
        return this;
    }

    public Dialogue GoodTcf(FaxRate rate) => Tcf(TcfStatistics.Measure(new byte[rate.TcfOctets(TimeSpan.FromSeconds(1.5))]));

    public Dialogue Page(byte[] data)
    {
        Transcript.AppendLine($"{Stamp} >> page {data.Length} octets");
        Take(Session.OnPageData(data));
        Take(Session.OnPageEnd());
        return this;
    }

    public Dialogue Carrier(FaxCarrier carrier, bool present)
    {
        Take(Session.OnCarrier(carrier, present));
        return this;
    }

    /// <summary>Checks the batch sends these frames (in order), completes the transmission, returns the frames.</summary>
    public T30Frame[] ExpectFrames(params FrameType[] types)
    {
        var send = Transmitting<SendFrames>();
        Assert.True(types.SequenceEqual(send.Frames.Select(f => f.Type)),
            $"expected {string.Join(" ", types)} but got {string.Join(" ", send.Frames)}\n{Transcript}");
        Assert.True(send.Frames[^1].IsFinal, "the last frame must be final");
        Assert.All(send.Frames.SkipLast(1), f => Assert.False(f.IsFinal));
        Complete(TimeSpan.FromSeconds(send.Frames.Sum(f => (f.Length + 4) * 8) / 300.0 + 1.0));
        return [.. send.Frames];
    }

    public SendTcf ExpectTcf(FaxRate rate)
    {
        var tcf = Transmitting<SendTcf>();
        Assert.Equal(rate, tcf.Rate);
        Complete(tcf.Duration);
        return tcf;
    }

    public SendImage ExpectImage(FaxRate? rate = null)
    {
        var image = Transmitting<SendImage>();
        if (rate is not null)
        {
            Assert.Equal(rate.Value, image.Rate);
        }

        Complete(TimeSpan.FromSeconds(image.Data.Length * 8.0 / image.Rate.BitsPerSecond));
        return image;
    }

    public SendEcmBlock ExpectEcmBlock(FaxRate? rate = null)
    {
        var block = Transmitting<SendEcmBlock>();
        if (rate is not null)
        {
            Assert.Equal(rate.Value, block.Rate);
        }

        Assert.True(block.Frames.Count >= 4);
        Assert.All(block.Frames.TakeLast(3), f => Assert.Equal(FrameType.Rcp, f.Type));
        Complete(TimeSpan.FromSeconds(block.Frames.Sum(f => f.Length) * 8.0 / block.Rate.BitsPerSecond));
        return block;
    }

    public Dialogue ExpectReceiveHdlc()
    {
        Assert.True(_batch.Count > 0 && _batch[^1] is ReceiveHdlc, $"expected ReceiveHdlc, got {Describe(_batch)}\n{Transcript}");
        return this;
    }

    public ReceiveTcf ExpectReceiveTcf()
    {
        Assert.True(_batch.Count > 0 && _batch[^1] is ReceiveTcf, $"expected ReceiveTcf, got {Describe(_batch)}\n{Transcript}");
        return (ReceiveTcf)_batch[^1];
    }

    public ReceiveImage ExpectReceiveImage()
    {
        Assert.True(_batch.Count > 0 && _batch[^1] is ReceiveImage, $"expected ReceiveImage, got {Describe(_batch)}\n{Transcript}");
        return (ReceiveImage)_batch[^1];
    }

    public FaxCallResult ExpectHangup(HangupReason reason)
    {
        Assert.True(_batch.Count > 0 && _batch[^1] is Hangup, $"expected Hangup({reason}), got {Describe(_batch)}\n{Transcript}");
        Assert.Equal(reason, ((Hangup)_batch[^1]).Reason);
        Assert.True(Session.IsFinished);
        Assert.NotNull(Session.Result);
        Assert.Equal(reason, Session.Result.Reason);
        return Session.Result;
    }

    /// <summary>DCN goes out, then the hangup with the reason.</summary>
    public FaxCallResult ExpectDisconnect(HangupReason reason)
    {
        ExpectFrames(FrameType.Dcn);
        return ExpectHangup(reason);
    }

    private T Transmitting<T>()
        where T : T30Command
    {
        Assert.True(_batch.Count > 0 && _batch[^1] is T, $"expected {typeof(T).Name}, got {Describe(_batch)}\n{Transcript}");
        Assert.All(_batch.SkipLast(1), c => Assert.IsType<Silence>(c));
        return (T)_batch[^1];
    }

    private void Complete(TimeSpan duration)
    {
        Time.Advance(duration);
        Take(Session.OnTransmitComplete());
    }

    private void Take(IReadOnlyList<T30Command> batch)
    {
        foreach (var command in batch)
        {
            Transcript.AppendLine($"{Stamp} << {Describe(command)}");
        }

        _batch = batch;
    }

    private static string Describe(IReadOnlyList<T30Command> batch) => batch.Count == 0 ? "nothing" : string.Join(", ", batch.Select(Describe));

    private static string Describe(T30Command command) => command switch
    {
        SendFrames f => "SendFrames " + string.Join(" ", f.Frames),
        SendEcmBlock b => $"SendEcmBlock {b.Rate} {b.Frames.Count} frames",
        SendImage i => $"SendImage {i.Rate} {i.Data.Length} octets",
        _ => command.ToString(),
    };
}
