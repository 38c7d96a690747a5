using FaxGateway.Imaging;
using FaxGateway.Modems.Calls;
using FaxGateway.Modems.Class2;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Modems.Tests.Calls;

/// <summary>
/// A receiving line keeps each page (the daemon's receive spool) before the sender is told MCF, and a page it could not
/// keep is answered RTN: the sender never hears "confirmed" for a page the receiver does not have. Full calls through
/// the simulator in fast mode.
/// </summary>
public sealed class PageKeepingTests
{
    private static CancellationToken Generous => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    /// <summary>Fails the <paramref name="failOnCall"/>-th keep (1-based), keeps the others; records the order.</summary>
    private sealed class Keeper(int failOnCall)
    {
        public List<int> Kept { get; } = [];
        public int Calls { get; private set; }

        public bool Keep(ReceivedFaxPage page)
        {
            Calls++;
            if (Calls == failOnCall)
            {
                return false;
            }

            Kept.Add(page.PageIndex);
            return true;
        }
    }

    [Fact]
    public async Task Class1_every_confirmed_page_was_kept_first_and_a_page_that_could_not_be_kept_is_answered_RTN_and_sent_again()
    {
        var ct = Generous;
        var sender = new FaxCallOptions { LocalIdent = "A", UseEcm = false, RtnPolicy = RtnPolicy.Retransmit };
        await using var lines = await SimulatedLines.StartAsync(sender, new FaxCallOptions { LocalIdent = "B", UseEcm = false }, cancellationToken: ct);
        PageRaster[] pages = [TestPages.Make(40, 196, 31), TestPages.Make(40, 196, 32), TestPages.Make(40, 196, 33)];
        var keeper = new Keeper(failOnCall: 2);

        var (sent, received) = await lines.TransferAsync(pages, ct, keeper.Keep);

        Assert.True(sent.Success, sent.HangupText);
        Assert.Equal(3, sent.PagesConfirmed);

        // Page 2 arrived twice: first not kept (so RTN, not MCF), then kept on its resend.
        Assert.Equal(4, received.ReceivedPages.Count);
        Assert.False(received.ReceivedPages[1].Accepted);
        Assert.Equal("the page could not be stored", received.ReceivedPages[1].CodingError);
        Assert.Equal([1, 2, 1], sent.Pages.Select(p => p.Attempts));
        Assert.Equal(3, keeper.Kept.Count);
        Assert.Equal(received.ReceivedPages.Where(p => p.Accepted).Select(p => p.PageIndex), keeper.Kept);
    }

    [Fact]
    public async Task Class1_a_keeper_that_throws_an_IO_error_is_a_page_not_kept_not_a_crashed_call()
    {
        var ct = Generous;
        var sender = new FaxCallOptions { LocalIdent = "A", UseEcm = false, RtnPolicy = RtnPolicy.GiveUp };
        await using var lines = await SimulatedLines.StartAsync(sender, new FaxCallOptions { LocalIdent = "B", UseEcm = false }, cancellationToken: ct);

        var (sent, received) = await lines.TransferAsync([TestPages.Make(40, 196, 34)], ct, _ => throw new IOException("No space left on device"));

        Assert.False(sent.Success);
        Assert.Equal(0, sent.PagesConfirmed);
        var page = Assert.Single(received.ReceivedPages);
        Assert.False(page.Accepted);
        Assert.Contains("No space left on device", page.CodingError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FaxCallClass.Class20)]
    [InlineData(FaxCallClass.Class2)]
    public async Task Class2_the_page_is_kept_before_the_next_FDR_releases_its_MCF_and_an_unkept_page_gets_RTN(FaxCallClass receiverClass)
    {
        var ct = Generous;
        var dialect = receiverClass == FaxCallClass.Class20 ? Class2Dialect.Class20 : Class2Dialect.Class2;
        await using var lines = new Class2CallTests.Lines(dialect, class2Sends: false, new FaxCallOptions { LocalIdent = "CLASS1 LINE", UseEcm = false, RtnPolicy = RtnPolicy.Retransmit });
        PageRaster[] pages = [TestPages.Make(50, 196, 41), TestPages.Make(50, 196, 42)];
        var keeper = new Keeper(failOnCall: 1);

        var (sent, received) = await lines.TransferAsync(pages, ct, keeper.Keep);

        Assert.True(sent.Success, sent.HangupText);
        Assert.Equal(2, sent.PagesConfirmed);
        Assert.Equal([2, 1], sent.Pages.Select(p => p.Attempts));
        Assert.Equal(2, keeper.Kept.Count);
        Assert.False(received.ReceivedPages[0].Accepted);
        Assert.Equal(2, received.ReceivedPages.Count(p => p.Accepted));
    }
}
