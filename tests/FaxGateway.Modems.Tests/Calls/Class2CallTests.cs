using FaxGateway.Imaging;
using FaxGateway.Modems.Calls;
using FaxGateway.Modems.Class2;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Transport;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;
using FaxGateway.Simulator;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;

namespace FaxGateway.Modems.Tests.Calls;

/// <summary>
/// Cross-class calls through the simulator in fast mode: a virtual Class 2.0 (or Class 2) modem running the project's
/// T.30 engine inside itself, driven by <see cref="FaxLine"/> in Class20/Class2 mode, against a virtual Class 1 modem
/// driven by <see cref="FaxLine"/> with our engine on the DTE side. Pages are compared pixel for pixel.
/// </summary>
public sealed class Class2CallTests
{
    private static CancellationToken Generous => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static ModemProfile Class2Profile(Class2Dialect dialect) => new()
    {
        Name = dialect == Class2Dialect.Class20 ? "sim-class2.0" : "sim-class2",
        ResetCommand = "ATZ",
        ResetDelayMs = 0,
        DtrDropDelayMs = 0,
        InitCommands = ["ATE0V1Q0", "ATS0=0"],
        PreferredClass = dialect == Class2Dialect.Class20 ? FaxClass.Class20 : FaxClass.Class2,
        Class2 = new Class2Settings { Dialect = dialect, Capabilities = "1,5,0,2,1,0,0,0" },
    };

    internal sealed class Lines : IAsyncDisposable
    {
        private readonly VirtualPstn _pstn;

        public Lines(Class2Dialect dialect, bool class2Sends, FaxCallOptions class1Options, LineImpairments? class1Line = null, LineImpairments? class2Line = null, FaxCallOptions? class2Options = null)
        {
            _pstn = new VirtualPstn(new PstnOptions { RealTime = false, RingInterval = TimeSpan.FromMilliseconds(20) });
            Class2Modem = _pstn.AddModem(new VirtualModemOptions { FaxClasses = "0,2,2.0", Impairments = class2Line });
            Class1Modem = _pstn.AddModem(new VirtualModemOptions { Impairments = class1Line });
            class2Options = (class2Options ?? new FaxCallOptions()) with { LocalIdent = "CLASS2 SIM", Class = dialect == Class2Dialect.Class20 ? FaxCallClass.Class20 : FaxCallClass.Class2 };
            Class2 = new FaxLine(new ModemConnection(new StreamModemTransport(Class2Modem.OpenPort(), "sim-c2"), Class2Profile(dialect)), class2Options);
            Class1 = new FaxLine(new ModemConnection(new StreamModemTransport(Class1Modem.OpenPort(), "sim-c1"), SimulatedLines.Profile), class1Options);
            Sender = class2Sends ? Class2 : Class1;
            Receiver = class2Sends ? Class1 : Class2;
            ReceiverNumber = class2Sends ? Class1Modem.Number : Class2Modem.Number;
        }

        public VirtualModem Class2Modem { get; }

        public VirtualModem Class1Modem { get; }

        public FaxLine Class2 { get; }

        public FaxLine Class1 { get; }

        public FaxLine Sender { get; }

        public FaxLine Receiver { get; }

        public string ReceiverNumber { get; }

        public async Task<(FaxCallReport Sent, FaxCallReport Received)> TransferAsync(IReadOnlyList<PageRaster> pages, CancellationToken cancellationToken, Func<ReceivedFaxPage, bool>? keepPage = null)
        {
            await Sender.InitializeAsync(cancellationToken);
            await Receiver.InitializeAsync(cancellationToken);
            var receive = Task.Run(
                async () =>
                {
                    await Receiver.WaitForRingAsync(1, cancellationToken);
                    return await Receiver.ReceiveAsync(keepPage, cancellationToken);
                },
                cancellationToken);
            var sent = await Sender.SendAsync(ReceiverNumber, pages, cancellationToken);
            var received = await receive;
            return (sent, received);
        }

        public async ValueTask DisposeAsync()
        {
            await Class2.DisposeAsync();
            await Class1.DisposeAsync();
            await _pstn.DisposeAsync();
        }
    }

    private static void AssertSamePixels(PageRaster expected, PageRaster actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.True(expected.Pixels.AsSpan(0, expected.Stride * expected.Height).SequenceEqual(actual.Pixels.AsSpan(0, actual.Stride * actual.Height)), "the received page differs from the sent page");
    }

    [Theory]
    [InlineData(Class2Dialect.Class20, true)]
    [InlineData(Class2Dialect.Class20, false)]
    [InlineData(Class2Dialect.Class2, true)]
    [InlineData(Class2Dialect.Class2, false)]
    public async Task Two_pages_cross_between_a_Class2_modem_and_a_Class1_line_pixel_for_pixel(Class2Dialect dialect, bool class2Sends)
    {
        var ct = Generous;
        await using var lines = new Lines(dialect, class2Sends, new FaxCallOptions { LocalIdent = "CLASS1 LINE", UseEcm = false });
        PageRaster[] pages = [TestPages.Make(60, 196, 21), TestPages.Make(50, 196, 22)];

        var (sent, received) = await lines.TransferAsync(pages, ct);

        Assert.True(sent.Success, sent.HangupText);
        Assert.True(received.Success, received.HangupText);
        Assert.Equal(HangupReason.Normal, sent.Reason);
        Assert.Equal(2, sent.Pages.Count);
        Assert.All(sent.Pages, p => Assert.Equal(PageOutcome.Confirmed, p.Outcome));
        Assert.Equal(class2Sends ? "CLASS1 LINE" : "CLASS2 SIM", sent.RemoteIdent);
        Assert.Equal(class2Sends ? "CLASS2 SIM" : "CLASS1 LINE", received.RemoteIdent);
        Assert.Equal(2, received.ReceivedPages.Count);
        for (var i = 0; i < pages.Length; i++)
        {
            Assert.True(received.ReceivedPages[i].Accepted);
            AssertSamePixels(pages[i], received.ReceivedPages[i].Page);
        }
    }

    [Fact]
    public async Task With_bit_errors_a_Class20_receiver_counts_the_damaged_lines_of_a_Class1_sender()
    {
        var ct = Generous;
        var impaired = new LineImpairments { ImageBitErrorRate = 3e-5, Seed = 3 };
        var tolerant = new FaxCallOptions { CopyQuality = new CopyQualityPolicy { MaxBadLinePercent = 100, MaxConsecutiveBadLines = int.MaxValue } };
        await using var lines = new Lines(Class2Dialect.Class20, class2Sends: false, new FaxCallOptions { UseEcm = false, MaxRate = FaxRate.V29_9600 }, class2Line: impaired, class2Options: tolerant);
        var page = TestPages.Make(1100, 196, 9);

        var (sent, received) = await lines.TransferAsync([page], ct);

        Assert.True(sent.Success, sent.HangupText);
        var rx = Assert.Single(received.ReceivedPages);
        Assert.True(rx.Report.BadRows > 0, "bit errors should have damaged some rows");
        Assert.Equal(rx.Report.BadRows, Assert.Single(received.Pages).BadLines);
        // Each hit may split or merge a row at most; leftovers of a row that ended early are not rows.
        Assert.Equal(0, rx.Report.RowsWithoutEol);
        Assert.InRange(rx.Page.Height, page.Height - 10, page.Height + 10);
    }

    [Fact]
    public async Task With_heavy_bit_errors_a_strict_Class1_receiver_answers_RTN_and_the_Class20_sender_reports_the_page_rejected()
    {
        var ct = Generous;
        var impaired = new LineImpairments { ImageBitErrorRate = 3e-4, Seed = 4 };
        var strict = new FaxCallOptions { UseEcm = false, CopyQuality = new CopyQualityPolicy { MaxBadLinePercent = 0, MaxConsecutiveBadLines = 0 } };
        await using var lines = new Lines(Class2Dialect.Class20, class2Sends: true, strict, class1Line: impaired);
        var page = TestPages.Make(600, 196, 10);

        var (sent, received) = await lines.TransferAsync([page], ct);

        Assert.False(sent.Success);
        Assert.Equal(PageOutcome.Rejected, Assert.Single(sent.Pages).Outcome);
        Assert.Equal(0, sent.PagesConfirmed);
        Assert.Equal(PageOutcome.ReceivedBad, Assert.Single(received.Pages).Outcome);
        Assert.False(Assert.Single(received.ReceivedPages).Accepted);
    }
}
