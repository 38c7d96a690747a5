using FaxGateway.Imaging;
using FaxGateway.Modems.Calls;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;
using FaxGateway.Simulator.Line;
using ImagingResolution = FaxGateway.Imaging.FaxResolution;
using T30Resolution = FaxGateway.Protocol.Capabilities.FaxResolution;

namespace FaxGateway.Modems.Tests.Calls;

/// <summary>Complete Class 1 ↔ Class 1 calls through the simulator in fast mode: our engine on both ends.</summary>
public sealed class FaxCallTests
{
    private static CancellationToken Generous => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public static TheoryData<FaxCompression, ImagingResolution, string, bool> Modes()
    {
        var data = new TheoryData<FaxCompression, ImagingResolution, string, bool>();
        foreach (var coding in new[] { FaxCompression.MH, FaxCompression.MR, FaxCompression.MMR })
        {
            foreach (var resolution in new[] { ImagingResolution.Standard, ImagingResolution.Fine, ImagingResolution.SuperFine })
            {
                foreach (var rate in new[] { "V.27ter", "V.29", "V.17" })
                {
                    foreach (var ecm in new[] { false, true })
                    {
                        if (coding != FaxCompression.MMR || ecm)
                        {
                            data.Add(coding, resolution, rate, ecm);
                        }
                    }
                }
            }
        }

        return data;
    }

    private static FaxRate MaxRate(string rate) => rate switch
    {
        "V.27ter" => FaxRate.V27ter4800,
        "V.29" => FaxRate.V29_9600,
        _ => FaxRate.V17_14400,
    };

    private static FaxCompression Offered(FaxCompression coding) => coding switch
    {
        FaxCompression.MH => FaxCompression.MH,
        FaxCompression.MR => FaxCompression.MH | FaxCompression.MR,
        _ => FaxCompression.MH | FaxCompression.MR | FaxCompression.MMR,
    };

    private static void AssertSamePixels(PageRaster expected, PageRaster actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.True(expected.Pixels.AsSpan(0, expected.Stride * expected.Height).SequenceEqual(actual.Pixels.AsSpan(0, actual.Stride * actual.Height)), "the received page differs from the sent page");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_page_arrives_pixel_for_pixel_in_every_coding_resolution_rate_and_ECM_mode(FaxCompression coding, ImagingResolution resolution, string rate, bool ecm)
    {
        var ct = Generous;
        var sender = new FaxCallOptions { LocalIdent = "+1 555 0100", UseEcm = ecm, MaxRate = MaxRate(rate) };
        var receiver = new FaxCallOptions { LocalIdent = "+1 555 0101", UseEcm = ecm, Compressions = Offered(coding) };
        await using var lines = await SimulatedLines.StartAsync(sender, receiver, cancellationToken: ct);
        var page = TestPages.Make(resolution == ImagingResolution.SuperFine ? 96 : 48, PageScaler.LinesPerInch(resolution), seed: (int)coding * 10 + (int)resolution);

        var (sent, received) = await lines.TransferAsync([page], ct);

        Assert.True(sent.Success, sent.HangupText);
        Assert.True(received.Success, received.HangupText);
        Assert.Equal(HangupReason.Normal, sent.Reason);
        var result = Assert.Single(sent.Pages);
        Assert.Equal(PageOutcome.Confirmed, result.Outcome);
        Assert.Equal(coding, result.Compression);
        Assert.Equal(FaxPageSource.ToT30(resolution), result.Resolution);
        Assert.Equal(MaxRate(rate), result.Rate);
        Assert.Equal(ecm, result.Ecm);
        Assert.Equal("+1 555 0101", sent.RemoteIdent);
        Assert.Equal("+1 555 0100", received.RemoteIdent);

        var rx = Assert.Single(received.ReceivedPages);
        Assert.True(rx.Accepted);
        Assert.Equal(0, rx.Report.BadRows);
        Assert.Equal(PageOutcome.Received, Assert.Single(received.Pages).Outcome);
        AssertSamePixels(page, rx.Page);
    }

    [Fact]
    public async Task Three_pages_with_a_resolution_change_go_through_EOM_and_arrive_in_order()
    {
        var ct = Generous;
        await using var lines = await SimulatedLines.StartAsync(new FaxCallOptions { LocalIdent = "A" }, new FaxCallOptions { LocalIdent = "B" }, cancellationToken: ct);
        PageRaster[] pages = [TestPages.Make(40, 196, 1), TestPages.Make(40, 196, 2), TestPages.Make(30, 98, 3)];

        var (sent, received) = await lines.TransferAsync(pages, ct);

        Assert.True(sent.Success, sent.HangupText);
        Assert.Equal(3, sent.PagesConfirmed);
        Assert.All(sent.Pages, p => Assert.Equal(PageOutcome.Confirmed, p.Outcome));
        Assert.Equal([T30Resolution.Fine, T30Resolution.Fine, T30Resolution.Standard], sent.Pages.Select(p => p.Resolution));
        Assert.Equal(3, received.ReceivedPages.Count);
        for (var i = 0; i < 3; i++)
        {
            AssertSamePixels(pages[i], received.ReceivedPages[i].Page);
        }
    }

    [Fact]
    public async Task A_fine_page_to_a_standard_only_receiver_is_converted_on_the_fly()
    {
        var ct = Generous;
        await using var lines = await SimulatedLines.StartAsync(new FaxCallOptions(), new FaxCallOptions { Resolutions = T30Resolution.Standard }, cancellationToken: ct);
        var page = TestPages.Make(80, 196, 7);

        var (sent, received) = await lines.TransferAsync([page], ct);

        Assert.True(sent.Success, sent.HangupText);
        Assert.Equal(T30Resolution.Standard, Assert.Single(sent.Pages).Resolution);
        var expected = PageScaler.ToResolution(page, ImagingResolution.Standard);
        AssertSamePixels(expected, Assert.Single(received.ReceivedPages).Page);
    }

    [Fact]
    public async Task With_bit_errors_on_the_line_ECM_delivers_an_identical_page_after_partial_page_requests()
    {
        var ct = Generous;
        var impaired = new LineImpairments { ImageBitErrorRate = 2e-5, Seed = 11 };
        await using var lines = await SimulatedLines.StartAsync(new FaxCallOptions { UseEcm = true }, new FaxCallOptions { UseEcm = true }, impaired, ct);
        var page = TestPages.Make(1100, 196, 5);

        var (sent, received) = await lines.TransferAsync([page], ct);

        Assert.True(sent.Success, sent.HangupText);
        var result = Assert.Single(sent.Pages);
        Assert.True(result.Ecm);
        Assert.Equal(PageOutcome.Confirmed, result.Outcome);
        Assert.True(result.ResentFrames > 0, "the damage should have cost resent frames");
        Assert.True(Assert.Single(received.Pages).ResentFrames > 0);
        AssertSamePixels(page, Assert.Single(received.ReceivedPages).Page);
    }

    [Fact]
    public async Task With_bit_errors_and_no_ECM_a_tolerant_receiver_accepts_the_page_with_its_bad_lines_counted()
    {
        var ct = Generous;
        var impaired = new LineImpairments { ImageBitErrorRate = 3e-5, Seed = 3 };
        var tolerant = new FaxCallOptions { UseEcm = false, CopyQuality = new CopyQualityPolicy { MaxBadLinePercent = 100, MaxConsecutiveBadLines = int.MaxValue } };
        await using var lines = await SimulatedLines.StartAsync(new FaxCallOptions { UseEcm = false, MaxRate = FaxRate.V29_9600 }, tolerant, impaired, ct);
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
    public async Task With_heavy_bit_errors_and_no_ECM_a_strict_receiver_answers_RTN_and_the_page_is_never_reported_sent()
    {
        var ct = Generous;
        var impaired = new LineImpairments { ImageBitErrorRate = 3e-4, Seed = 4 };
        var strict = new FaxCallOptions { UseEcm = false, CopyQuality = new CopyQualityPolicy { MaxBadLinePercent = 0, MaxConsecutiveBadLines = 0 } };
        await using var lines = await SimulatedLines.StartAsync(new FaxCallOptions { UseEcm = false, MaxRate = FaxRate.V27ter2400, RtnPolicy = RtnPolicy.GiveUp }, strict, impaired, ct);
        var page = TestPages.Make(600, 196, 10);

        var (sent, received) = await lines.TransferAsync([page], ct);

        Assert.False(sent.Success);
        Assert.Equal(PageOutcome.Rejected, Assert.Single(sent.Pages).Outcome);
        Assert.Equal(0, sent.PagesConfirmed);
        Assert.Equal(PageOutcome.ReceivedBad, Assert.Single(received.Pages).Outcome);
        Assert.False(Assert.Single(received.ReceivedPages).Accepted);
    }

    [Fact]
    public async Task A_busy_number_is_a_connection_outcome_not_an_exception()
    {
        var ct = Generous;
        await using var lines = await SimulatedLines.StartAsync(new FaxCallOptions(), new FaxCallOptions(), cancellationToken: ct);
        lines.ReceiverModem.Line.AlwaysBusy = true;

        var report = await lines.Sender.SendAsync(lines.ReceiverModem.Number, [TestPages.Make(10, 98, 1)], ct);

        Assert.Equal(Modems.CallOutcome.Busy, report.Connection);
        Assert.False(report.Success);
        Assert.Empty(report.Pages);
        Assert.Equal("BUSY", report.HangupText);
    }

    [Fact]
    public async Task A_far_end_that_vanishes_mid_page_leaves_the_page_not_confirmed()
    {
        var ct = Generous;
        var timers = new T30Timers { T2 = TimeSpan.FromSeconds(1), T4 = TimeSpan.FromMilliseconds(300) };
        await using var lines = await SimulatedLines.StartAsync(new FaxCallOptions { Timers = timers }, new FaxCallOptions(), cancellationToken: ct);
        lines.Sender.T30Commands += batch =>
        {
            if (batch.Any(c => c is SendImage or SendEcmBlock))
            {
                // The receiving modem is unplugged as our page goes out: no MCF can ever come.
                lines.ReceiverModem.Unplug();
            }
        };
        var receive = Task.Run(async () =>
        {
            await lines.Receiver.WaitForRingAsync(1, ct);
            return await lines.Receiver.ReceiveAsync(ct);
        });

        var sent = await lines.Sender.SendAsync(lines.ReceiverModem.Number, [TestPages.Make(60, 196, 12)], ct);
        var received = await receive;

        Assert.False(sent.Success);
        Assert.Equal(0, sent.PagesConfirmed);
        Assert.Equal(PageOutcome.NotConfirmed, Assert.Single(sent.Pages).Outcome);
        Assert.False(received.Success);
        Assert.NotNull(received.LineFault);
    }
}
