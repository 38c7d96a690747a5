using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Ecm;
using FaxGateway.Protocol.Frames;
using FaxGateway.Protocol.Session;
using FaxGateway.Protocol.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Protocol.Tests.Session;

/// <summary>Seeded garbage: parsers raise only the domain exception; sessions never throw and never hang.</summary>
public sealed class FuzzTests
{
    private static readonly byte[] KnownFcfs = [.. Enum.GetValues<FrameType>().Select(t => (byte)t)];

    [Fact]
    public void Parsers_raise_only_the_domain_exception()
    {
        var rng = new Random(4242);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[rng.Next(0, 40)];
            rng.NextBytes(bytes);
            if (bytes.Length > 2 && rng.Next(2) == 0)
            {
                bytes[0] = 0xFF;
                bytes[1] = rng.Next(2) == 0 ? (byte)0x03 : (byte)0x13;
            }

            Only<T30FrameException>(() => T30Frame.Parse(bytes));
            _ = T30Frame.TryParse(bytes, out _, out _);
            Only<T30FrameException>(() => FaxCapabilities.Decode(bytes));
            Only<T30FrameException>(() => DcsParameters.Decode(bytes));
            Only<T30FrameException>(() => DcsParameters.DecodeCtc(bytes));
            Only<T30FrameException>(() => PprMap.BadFrames(bytes, rng.Next(0, 300)));
            _ = SubscriberIdent.Decode(bytes);
            _ = NonStandardFacilities.Decode(bytes);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Sessions_survive_random_inputs_and_then_end_on_their_timers(int seed)
    {
        var rng = new Random(seed);
        foreach (var role in new[] { CallRole.Caller, CallRole.Answerer })
        {
            foreach (var send in new[] { true, false })
            {
                var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
                var session = new T30Session(
                    new T30SessionOptions
                    {
                        Role = role,
                        PageSource = send ? new FakePageSource(3, 3000, seed: seed) : null,
                        PageSink = send ? null : new TolerantSink(),
                    },
                    time);
                session.Start();
                for (var step = 0; step < 3000 && !session.IsFinished; step++)
                {
                    RandomInput(session, time, rng);
                }

                // Now behave like a well-mannered driver on a dead line: the session must end by itself.
                for (var step = 0; !session.IsFinished; step++)
                {
                    Assert.True(step < 1000, $"session {role}/{(send ? "send" : "receive")} hangs in {session.State}");
                    if (session.NextDeadline is { } deadline)
                    {
                        if (deadline > time.GetUtcNow())
                        {
                            time.SetUtcNow(deadline);
                        }

                        session.OnTimer(time.GetUtcNow());
                    }
                    else
                    {
                        session.OnTransmitComplete();
                    }
                }

                Assert.NotNull(session.Result);
                Assert.All(session.Result.Pages, p => Assert.True(p.PageIndex >= 0));
            }
        }
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    public void Back_to_back_with_corrupted_frames_that_pass_the_fcs_never_hangs(int seed)
    {
        var sink = new TolerantSink();
        var line = new CorruptingLine(seed, sink);
        line.Run();
        Assert.True(line.Line.Caller.IsFinished);
        Assert.True(line.Line.Answerer.IsFinished);
    }

    private static void RandomInput(T30Session session, FakeTimeProvider time, Random rng)
    {
        switch (rng.Next(10))
        {
            case 0:
            case 1:
            case 2:
            {
                // A well-framed frame with a known FCF and a random FIF.
                var fif = new byte[rng.Next(0, 40)];
                rng.NextBytes(fif);
                var frame = new byte[3 + fif.Length];
                frame[0] = 0xFF;
                frame[1] = rng.Next(3) == 0 ? (byte)0x03 : (byte)0x13;
                frame[2] = (byte)(KnownFcfs[rng.Next(KnownFcfs.Length)] | rng.Next(2));
                fif.CopyTo(frame, 3);
                session.OnFrame(frame, fcsOk: rng.Next(8) != 0);
                break;
            }

            case 3:
            {
                var garbage = new byte[rng.Next(0, 12)];
                rng.NextBytes(garbage);
                session.OnFrame(garbage, fcsOk: rng.Next(2) == 0);
                break;
            }

            case 4:
                session.OnTransmitComplete();
                break;
            case 5:
                time.Advance(TimeSpan.FromMilliseconds(rng.Next(0, 8000)));
                session.OnTimer(time.GetUtcNow());
                break;
            case 6:
                session.OnCarrier(rng.Next(2) == 0 ? FaxCarrier.V21 : FaxCarrier.HighSpeed, rng.Next(2) == 0);
                break;
            case 7:
                session.OnTcf(new TcfStatistics(rng.Next(0, 3000), rng.Next(0, 3000), rng.Next(0, 30000)));
                break;
            case 8:
            {
                var data = new byte[rng.Next(0, 100)];
                rng.NextBytes(data);
                session.OnPageData(data);
                break;
            }

            default:
                session.OnPageEnd();
                break;
        }
    }

    private static void Only<TException>(Action action)
        where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException)
        {
        }
    }

    /// <summary>A sink that accepts any call order (the strict one asserts on it).</summary>
    private sealed class TolerantSink : IFaxPageSink
    {
        public void BeginPage(int pageIndex, DcsParameters mode)
        {
        }

        public void Write(ReadOnlySpan<byte> data)
        {
        }

        public PageVerdict EndPage() => new(CopyQuality.Good);
    }

    /// <summary>A back-to-back call whose frames are randomly bit-flipped yet delivered as good.</summary>
    private sealed class CorruptingLine
    {
        public CorruptingLine(int seed, IFaxPageSink sink)
        {
            Line = new BackToBack(
                new T30SessionOptions { Role = CallRole.Caller, PageSource = new FakePageSource(2, 4000, seed: seed), EcmFrameSize = 64 },
                new T30SessionOptions { Role = CallRole.Answerer, PageSink = sink },
                seed)
            {
                FrameLoss = 0.05,
                FrameDamage = 0.05,
                FrameCorruption = 0.1,
                TcfFailure = 0.1,
            };
        }

        public BackToBack Line { get; }

        public void Run() => Line.Run();
    }
}
