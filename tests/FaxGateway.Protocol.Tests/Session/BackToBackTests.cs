using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;
using FaxGateway.Protocol.Tests.Support;

namespace FaxGateway.Protocol.Tests.Session;

/// <summary>Our sender engine against our receiver engine, in memory, with and without ECM and with frame loss.</summary>
public sealed class BackToBackTests
{
    private static (BackToBack Line, FakePageSource Source, FakePageSink Sink) Call(int pages, bool ecm, int bytesPerPage = 5000, int seed = 1,
        double loss = 0, double damage = 0, double tcfFailure = 0, int frameSize = 256)
    {
        var source = new FakePageSource(pages, bytesPerPage, seed: seed);
        var sink = new FakePageSink();
        var line = new BackToBack(
            new T30SessionOptions { Role = CallRole.Caller, LocalIdent = "+1 555 0100", PageSource = source, UseEcm = ecm, EcmFrameSize = frameSize },
            new T30SessionOptions { Role = CallRole.Answerer, LocalIdent = "+1 555 0199", PageSink = sink, UseEcm = ecm },
            seed)
        {
            FrameLoss = loss,
            FrameDamage = damage,
            TcfFailure = tcfFailure,
        };
        line.Run();
        return (line, source, sink);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Multi_page_call_delivers_every_page(bool ecm)
    {
        var (line, source, sink) = Call(5, ecm, bytesPerPage: 70_000);
        var sent = line.Caller.Result!;
        var received = line.Answerer.Result!;
        Assert.True(sent.Success, line.Transcript.ToString());
        Assert.True(received.Success);
        Assert.Equal(HangupReason.Normal, sent.Reason);
        Assert.Equal(HangupReason.Normal, received.Reason);
        Assert.Equal(5, sent.PagesConfirmed);
        Assert.Equal(Enumerable.Range(0, 5).Select(source.Page), sink.Pages);
        Assert.Equal("+1 555 0199", sent.RemoteIdent);
        Assert.Equal("+1 555 0100", received.RemoteIdent);
        Assert.All(sent.Pages, p => Assert.Equal(ecm, p.Ecm));
        Assert.All(sent.Pages, p => Assert.Equal(ecm ? FaxCompression.MMR : FaxCompression.MR, p.Compression));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Ecm_with_frame_loss_delivers_identical_pages_or_reports_honestly(int seed)
    {
        var (line, source, sink) = Call(3, ecm: true, bytesPerPage: 20_000, seed: seed, loss: 0.05, damage: 0.05, frameSize: 64);
        AssertHonest(line, source, sink);
        var sent = line.Caller.Result!;
        // With ECM every confirmed page arrived exactly as sent.
        for (var i = 0; i < sent.Pages.Count; i++)
        {
            if (sent.Pages[i].Outcome == PageOutcome.Confirmed)
            {
                Assert.Equal(source.Page(i), sink.Pages[i]);
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public void Non_ecm_with_frame_loss_never_claims_an_unconfirmed_page(int seed)
    {
        var (line, source, sink) = Call(3, ecm: false, seed: seed, loss: 0.1, damage: 0.05, tcfFailure: 0.2);
        AssertHonest(line, source, sink);
    }

    [Fact]
    public void Clean_lines_always_succeed_across_seeds()
    {
        for (var seed = 100; seed < 120; seed++)
        {
            var (line, _, sink) = Call(2, ecm: seed % 2 == 0, bytesPerPage: 3000, seed: seed);
            Assert.True(line.Caller.Result!.Success, line.Transcript.ToString());
            Assert.Equal(2, sink.Pages.Count);
        }
    }

    /// <summary>
    /// Whatever the line did: both ends finished without a hang, and every page the sender reports as
    /// confirmed was accepted by the receiver (MCF is only sent for an accepted page).
    /// </summary>
    private static void AssertHonest(BackToBack line, FakePageSource source, FakePageSink sink)
    {
        var sent = line.Caller.Result!;
        var received = line.Answerer.Result!;
        Assert.NotNull(sent);
        Assert.NotNull(received);
        var accepted = received.Pages.Where(p => p.IsConfirmed).ToList();
        Assert.True(sent.PagesConfirmed <= accepted.Count, line.Transcript.ToString());
        if (sent.Success)
        {
            Assert.Equal(source.PageCount, sent.PagesConfirmed);
            Assert.True(sink.Pages.Count >= source.PageCount);
        }
    }
}
