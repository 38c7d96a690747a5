using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Ecm;
using FaxGateway.Protocol.Frames;
using FaxGateway.Protocol.Session;
using FaxGateway.Protocol.Tests.Support;
using static FaxGateway.Protocol.Tests.Support.Dialogue;

namespace FaxGateway.Protocol.Tests.Session;

/// <summary>We answer and receive; the test plays the calling station.</summary>
public sealed class ReceiverDialogueTests
{
    private static readonly byte[] PageA = [.. Enumerable.Range(0, 700).Select(i => (byte)i)];
    private static readonly byte[] PageB = [.. Enumerable.Range(0, 900).Select(i => (byte)(i * 7))];

    private static Dialogue Receiver(FakePageSink sink) => new(new T30SessionOptions
    {
        Role = CallRole.Answerer,
        LocalIdent = "FAXGW",
        PageSink = sink,
        NsfToSend = NonStandardFacilities.Encode(0xAD, 0x0001, [0x42]),
    });

    private static byte[] Dcs(FaxRate rate, bool ecm = false, FaxResolution resolution = FaxResolution.Fine) =>
        new DcsParameters { Rate = rate, Ecm = ecm, Compression = ecm ? FaxCompression.MMR : FaxCompression.MH, Resolution = resolution }.Encode();

    /// <summary>Answer: NSF/CSI/DIS out; TSI/DCS in; TCF judged good; CFR out; phase C armed.</summary>
    private static ReceiveImage Answer(Dialogue d, FaxRate? rate = null, bool ecm = false, FaxResolution resolution = FaxResolution.Fine)
    {
        var frames = d.ExpectFrames(FrameType.Nsf, FrameType.Csi, FrameType.Dis);
        Assert.Equal("FAXGW", SubscriberIdent.Decode(frames[1].Fif.Span));
        var dis = FaxCapabilities.Decode(frames[2].Fif.Span);
        Assert.True(dis.ReadyToReceive);
        Assert.False(dis.ReadyToTransmit);
        Assert.Equal(0x80, frames[2].RawFcf);
        d.ExpectReceiveHdlc();
        var r = rate ?? FaxRate.V17_14400;
        d.Send(Remote(FrameType.Tsi, SubscriberIdent.Encode("+44 20 7946 0000"), final: false, x: true), Remote(FrameType.Dcs, Dcs(r, ecm, resolution), x: true));
        Assert.Equal(r, d.ExpectReceiveTcf().Rate);
        d.GoodTcf(r);
        Assert.Equal(0x84, d.ExpectFrames(FrameType.Cfr)[0].RawFcf); // answerer: X bit clear
        var image = d.ExpectReceiveImage();
        Assert.Equal(r, image.Rate);
        Assert.Equal(ecm, image.Ecm);
        return image;
    }

    [Fact]
    public void One_page_non_ecm()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Assert.DoesNotContain(d.Batch, c => c is Silence); // the modem is already in +FTH=3 after ATA
        Answer(d);
        d.Page(PageA);
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Eop, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Dcn, x: true));
        var result = d.ExpectHangup(HangupReason.Normal);
        Assert.True(result.Success);
        Assert.Equal("+44 20 7946 0000", result.RemoteIdent);
        Assert.Equal(PageA, Assert.Single(sink.Pages));
        Assert.Equal(PageOutcome.Received, Assert.Single(result.Pages).Outcome);
        Assert.Equal(FaxResolution.Fine, sink.Modes[0].Resolution);
    }

    [Fact]
    public void Three_pages_with_mps()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Answer(d);
        var pages = new[] { PageA, PageB, PageA };
        for (var i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                d.ExpectReceiveImage();
            }

            d.Page(pages[i]);
            d.Send(Remote(i < 2 ? FrameType.Mps : FrameType.Eop, x: true));
            d.ExpectFrames(FrameType.Mcf);
        }

        d.Send(Remote(FrameType.Dcn, x: true));
        var result = d.ExpectHangup(HangupReason.Normal);
        Assert.Equal(3, result.PagesConfirmed);
        Assert.Equal(pages, sink.Pages);
    }

    [Fact]
    public void Bad_tcf_gets_ftt_and_the_sender_retrains_lower()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        d.ExpectFrames(FrameType.Nsf, FrameType.Csi, FrameType.Dis);
        d.Send(Remote(FrameType.Dcs, Dcs(FaxRate.V17_14400), x: true));
        d.ExpectReceiveTcf();
        // Mostly ones: the longest zero run is far below a second.
        var noisy = new byte[2700];
        Array.Fill(noisy, (byte)0x5A);
        d.Tcf(TcfStatistics.Measure(noisy));
        d.ExpectFrames(FrameType.Ftt);
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Dcs, Dcs(FaxRate.V17_12000), x: true));
        Assert.Equal(FaxRate.V17_12000, d.ExpectReceiveTcf().Rate);
        d.GoodTcf(FaxRate.V17_12000);
        d.ExpectFrames(FrameType.Cfr);
        Assert.Equal(FaxRate.V17_12000, d.ExpectReceiveImage().Rate);
    }

    [Fact]
    public void Tcf_judgement_follows_the_zero_run_and_error_rules()
    {
        var rate = 9600;
        var full = TimeSpan.FromSeconds(1.5);
        var min = TimeSpan.FromSeconds(1);
        Assert.True(new TcfStatistics(1800, 0, 1800 * 8).IsAcceptable(rate, min, full));
        Assert.False(new TcfStatistics(1800, 10, 9000).IsAcceptable(rate, min, full)); // run under a second
        Assert.False(new TcfStatistics(1800, 300, 12000).IsAcceptable(rate, min, full)); // > 10 % errors
        Assert.True(new TcfStatistics(1800, 100, 12000).IsAcceptable(rate, min, full));
        var measured = TcfStatistics.Measure([0xFF, 0x7F, 0, 0, 0x80, 0, 0x01, 0]);
        Assert.Equal(6, measured.TotalOctets); // leading training noise skipped
        Assert.Equal(2, measured.NonZeroOctets);
        Assert.Equal(16 + 7, measured.LongestZeroRunBits);
    }

    [Fact]
    public void Copy_quality_poor_answers_rtp_and_bad_answers_rtn_then_the_page_is_resent()
    {
        var sink = new FakePageSink();
        sink.Verdicts.Enqueue(new PageVerdict(CopyQuality.Poor, 12));
        sink.Verdicts.Enqueue(new PageVerdict(CopyQuality.Bad, 300));
        var d = Receiver(sink).Start();
        Answer(d);
        d.Page(PageA);
        d.Send(Remote(FrameType.Mps, x: true));
        d.ExpectFrames(FrameType.Rtp);
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Dcs, Dcs(FaxRate.V17_14400), x: true));
        d.GoodTcf(FaxRate.V17_14400);
        d.ExpectFrames(FrameType.Cfr);
        d.Page(PageB);
        d.Send(Remote(FrameType.Eop, x: true));
        d.ExpectFrames(FrameType.Rtn);
        d.Send(Remote(FrameType.Dcs, Dcs(FaxRate.V17_12000), x: true));
        d.GoodTcf(FaxRate.V17_12000);
        d.ExpectFrames(FrameType.Cfr);
        d.Page(PageB);
        d.Send(Remote(FrameType.Eop, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        var result = d.ExpectHangup(HangupReason.Normal);
        Assert.Equal([PageOutcome.ReceivedPoor, PageOutcome.ReceivedBad, PageOutcome.Received], result.Pages.Select(p => p.Outcome));
        Assert.Equal([12, 300, 0], result.Pages.Select(p => p.BadLines));
        Assert.Equal(FaxRate.V17_12000, result.Pages[2].Rate);
    }

    [Fact]
    public void Lost_mcf_is_repeated_without_a_second_page()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Answer(d);
        d.Page(PageA);
        d.Send(Remote(FrameType.Mps, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.ExpectReceiveImage();
        // The sender never heard MCF and repeats MPS: +FRM sees V.21 flags (+FCERROR).
        d.Carrier(FaxCarrier.V21, true);
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Mps, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.ExpectReceiveImage();
        d.Page(PageB);
        d.Send(Remote(FrameType.Eop, x: true));
        d.ExpectFrames(FrameType.Mcf);
        // And once more for the last page.
        d.Send(Remote(FrameType.Eop, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        d.ExpectHangup(HangupReason.Normal);
        Assert.Equal([PageA, PageB], sink.Pages);
    }

    [Fact]
    public void Eom_returns_to_phase_b_with_a_new_dis_and_a_new_mode()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Answer(d);
        d.Page(PageA);
        d.Send(Remote(FrameType.Eom, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.ExpectFrames(FrameType.Nsf, FrameType.Csi, FrameType.Dis);
        d.Send(Remote(FrameType.Dcs, Dcs(FaxRate.V29_9600, resolution: FaxResolution.Standard), x: true));
        d.GoodTcf(FaxRate.V29_9600);
        d.ExpectFrames(FrameType.Cfr);
        d.Page(PageB);
        d.Send(Remote(FrameType.Eop, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        var result = d.ExpectHangup(HangupReason.Normal);
        Assert.Equal([FaxResolution.Fine, FaxResolution.Standard], result.Pages.Select(p => p.Resolution));
        Assert.Equal([FaxResolution.Fine, FaxResolution.Standard], sink.Modes.Select(m => m.Resolution));
    }

    [Fact]
    public void Crp_makes_the_receiver_repeat_its_response_and_a_garbled_command_gets_crp()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        d.ExpectFrames(FrameType.Nsf, FrameType.Csi, FrameType.Dis);
        d.SendBad([0xFF, 0x13, 0x83, 0x00]);
        Assert.Empty(d.Batch);
        d.ElapseToDeadline(); // the bad-frame grace
        d.ExpectFrames(FrameType.Crp);
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Dcs, Dcs(FaxRate.V17_14400), x: true));
        d.GoodTcf(FaxRate.V17_14400);
        d.ExpectFrames(FrameType.Cfr);
        d.Page(PageA);
        d.Send(Remote(FrameType.Eop, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Crp, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        Assert.Equal(1, d.ExpectHangup(HangupReason.Normal).BadFramesReceived);
    }

    [Fact]
    public void Dcn_in_phase_b()
    {
        var d = Receiver(new FakePageSink()).Start();
        d.ExpectFrames(FrameType.Nsf, FrameType.Csi, FrameType.Dis);
        d.Send(Remote(FrameType.Dcn, x: true));
        d.ExpectHangup(HangupReason.RxPhaseBRspRecDcn);
    }

    [Fact]
    public void Dcn_in_phase_c()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Answer(d);
        d.Session.OnPageData(PageA);
        d.Carrier(FaxCarrier.V21, true);
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Dcn, x: true));
        var result = d.ExpectHangup(HangupReason.RxPhaseCUnspecified);
        Assert.Equal(PageOutcome.ReceiveIncomplete, Assert.Single(result.Pages).Outcome);
        Assert.False(result.Success);
    }

    [Fact]
    public void Dcn_in_phase_d()
    {
        var d = Receiver(new FakePageSink()).Start();
        Answer(d);
        d.Page(PageA);
        d.Send(Remote(FrameType.Dcn, x: true));
        d.ExpectHangup(HangupReason.RxPhaseDUnspecified);
    }

    [Fact]
    public void Dcn_in_phase_e_is_normal()
    {
        var d = Receiver(new FakePageSink()).Start();
        Answer(d);
        d.Page(PageA);
        d.Send(Remote(FrameType.Eop, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        Assert.True(d.ExpectHangup(HangupReason.Normal).Success);
    }

    [Fact]
    public void T1_the_answerer_repeats_dis_until_it_expires()
    {
        var d = Receiver(new FakePageSink()).Start();
        var disCount = 0;
        while (d.Batch[^1] is SendFrames { Frames: [.., { Type: FrameType.Dis }] })
        {
            d.ExpectFrames(FrameType.Nsf, FrameType.Csi, FrameType.Dis);
            disCount++;
            d.ExpectReceiveHdlc();
            d.ElapseToDeadline();
        }

        Assert.InRange(disCount, 6, 12);
        var result = d.ExpectDisconnect(HangupReason.T1Timeout);
        Assert.True(result.Duration >= TimeSpan.FromSeconds(35));
    }

    [Fact]
    public void T2_expires_when_no_page_follows_cfr()
    {
        var d = Receiver(new FakePageSink()).Start();
        Answer(d);
        d.Elapse(TimeSpan.FromSeconds(5.9));
        Assert.Empty(d.Batch);
        d.Elapse(TimeSpan.FromSeconds(0.1));
        d.ExpectDisconnect(HangupReason.RxPageNotReceived);
    }

    [Fact]
    public void T2_expires_when_no_post_page_message_follows()
    {
        var d = Receiver(new FakePageSink()).Start();
        Answer(d);
        d.Page(PageA);
        d.Elapse(TimeSpan.FromSeconds(6));
        d.ExpectDisconnect(HangupReason.RxPhaseDUnspecified);
    }

    [Fact]
    public void Missing_dcn_after_the_last_mcf_still_ends_normally()
    {
        var d = Receiver(new FakePageSink()).Start();
        Answer(d);
        d.Page(PageA);
        d.Send(Remote(FrameType.Eop, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Elapse(TimeSpan.FromSeconds(6));
        Assert.True(d.ExpectHangup(HangupReason.Normal).Success);
    }

    // ------------------------------------------------------------ ECM

    private static void SendEcmFrames(Dialogue d, byte[] page, int frameSize, params int[] numbers)
    {
        SendFcd(d, page, frameSize, numbers);
        d.Send(PartialPage.RcpFrame(), PartialPage.RcpFrame(), PartialPage.RcpFrame());
    }

    private static void SendFcd(Dialogue d, byte[] page, int frameSize, params int[] numbers)
    {
        foreach (var n in numbers)
        {
            var start = n * frameSize;
            var frame = PartialPage.FcdFrame(n, page.AsSpan(start, Math.Min(frameSize, page.Length - start)));
            d.Send(frame);
        }
    }

    [Fact]
    public void Ecm_ppr_asks_for_exactly_the_missing_and_damaged_frames()
    {
        var page = Enumerable.Range(0, 1000).Select(i => (byte)(i * 13)).ToArray();
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        var image = Answer(d, ecm: true);
        Assert.Equal(256, image.EcmFrameSize);
        SendFcd(d, page, 256, 0, 1);
        d.SendBad(PartialPage.FcdFrame(2, page.AsSpan(512, 256)).Bytes.ToArray()); // damaged on the line
        // frame 3 lost entirely
        d.Send(PartialPage.RcpFrame());
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x2F, 0, 0, 4), x: true));
        var ppr = d.ExpectFrames(FrameType.Ppr)[0];
        Assert.Equal([2, 3], PprMap.BadFrames(ppr.Fif.Span, 4));
        d.ExpectReceiveImage();
        SendEcmFrames(d, page, 256, 2, 3);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x2F, 0, 0, 4), x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        var result = d.ExpectHangup(HangupReason.Normal);
        Assert.Equal(page, Assert.Single(sink.Pages));
        Assert.Equal(2, result.Pages[0].ResentFrames);
        Assert.True(result.Pages[0].Ecm);
    }

    [Fact]
    public void Ecm_pps_after_a_retransmission_may_count_only_the_resent_frames()
    {
        // spandsp's sender puts the size of the burst, not of the block, in the PPS after a PPR.
        var page = Enumerable.Range(0, 1000).Select(i => (byte)(i * 3)).ToArray();
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Answer(d, ecm: true);
        SendEcmFrames(d, page, 256, 0, 2, 3);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x2F, 0, 0, 4), x: true));
        Assert.Equal([1], PprMap.BadFrames(d.ExpectFrames(FrameType.Ppr)[0].Fif.Span, 4));
        SendEcmFrames(d, page, 256, 1);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x2F, 0, 0, 1), x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        d.ExpectHangup(HangupReason.Normal);
        Assert.Equal(page, sink.Pages[0]);
    }

    [Fact]
    public void Ecm_two_partial_pages_and_a_second_page()
    {
        var page = Enumerable.Range(0, 64 * 300).Select(i => (byte)i).ToArray();
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Answer(d, ecm: true);
        SendEcmFrames(d, page, 256, [.. Enumerable.Range(0, 64)]);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x00, 0, 0, 64), x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.ExpectReceiveImage();
        var rest = page.AsSpan(256 * 64).ToArray();
        SendEcmFrames(d, rest, 256, [.. Enumerable.Range(0, (rest.Length + 255) / 256)]);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x4F, 0, 1, (rest.Length + 255) / 256), x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.ExpectReceiveImage();
        SendEcmFrames(d, PageA, 256, 0, 1, 2);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x2F, 1, 0, 3), x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        d.ExpectHangup(HangupReason.Normal);
        Assert.Equal([page, PageA], sink.Pages);
    }

    [Fact]
    public void Ecm_ctc_is_answered_with_ctr_and_the_new_rate()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Answer(d, ecm: true);
        SendEcmFrames(d, PageA, 256, 0, 2);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x2F, 0, 0, 3), x: true));
        d.ExpectFrames(FrameType.Ppr);
        d.Send(Remote(FrameType.Ctc, DcsParameters.EncodeCtc(FaxRate.V17_9600), x: true));
        d.ExpectFrames(FrameType.Ctr);
        var image = d.ExpectReceiveImage();
        Assert.Equal(FaxRate.V17_9600, image.Rate);
        Assert.False(image.ShortTraining);
        SendEcmFrames(d, PageA, 256, 1);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x2F, 0, 0, 3), x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        d.ExpectHangup(HangupReason.Normal);
        Assert.Equal(PageA, sink.Pages[0]);
    }

    [Fact]
    public void Ecm_receiver_not_ready_answers_rnr_until_the_sink_is_ready()
    {
        var sink = new FakePageSink { Ready = false };
        var d = Receiver(sink).Start();
        Answer(d, ecm: true);
        SendEcmFrames(d, PageA, 256, 0, 1, 2);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x2F, 0, 0, 3), x: true));
        d.ExpectFrames(FrameType.Rnr);
        d.Send(Remote(FrameType.Rr, x: true));
        d.ExpectFrames(FrameType.Rnr);
        sink.Ready = true;
        d.Send(Remote(FrameType.Rr, x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        d.ExpectHangup(HangupReason.Normal);
        Assert.Equal(PageA, sink.Pages[0]);
    }

    [Fact]
    public void Ecm_eor_keeps_what_arrived_and_answers_err()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Answer(d, ecm: true);
        SendEcmFrames(d, PageA, 256, 0, 2);
        d.Send(Remote(FrameType.Eor, [0x2F], x: true));
        d.ExpectFrames(FrameType.Err);
        d.Send(Remote(FrameType.Dcn, x: true));
        var result = d.ExpectHangup(HangupReason.Normal);
        Assert.Equal(PageOutcome.ReceivedWithErrors, result.Pages[0].Outcome);
        Assert.Equal(PageA.Length - 256, sink.Pages[0].Length);
    }

    [Fact]
    public void Ecm_lost_mcf_to_pps_is_repeated()
    {
        var sink = new FakePageSink();
        var d = Receiver(sink).Start();
        Answer(d, ecm: true);
        SendEcmFrames(d, PageA, 256, 0, 1, 2);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x4F, 0, 0, 3), x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.ExpectReceiveImage();
        d.Carrier(FaxCarrier.V21, true);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x4F, 0, 0, 3), x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.ExpectReceiveImage();
        SendEcmFrames(d, PageB, 256, 0, 1, 2, 3);
        d.Send(Remote(FrameType.Pps, PartialPage.PpsFif(0x2F, 1, 0, 4), x: true));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn, x: true));
        d.ExpectHangup(HangupReason.Normal);
        Assert.Equal([PageA, PageB], sink.Pages);
    }

    // ------------------------------------------------------------ polling

    [Fact]
    public void Caller_polls_a_document_with_dtc()
    {
        var sink = new FakePageSink();
        var d = new Dialogue(new T30SessionOptions { Role = CallRole.Caller, LocalIdent = "POLLER", PageSink = sink }).Start();
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Csi, SubscriberIdent.Encode("DOCS"), final: false), Remote(FrameType.Dis, Dis(new FaxCapabilities { ReadyToTransmit = true, Ecm = false })));
        var frames = d.ExpectFrames(FrameType.Cig, FrameType.Dtc);
        Assert.Equal(0x81, frames[1].RawFcf);
        Assert.True(FaxCapabilities.Decode(frames[1].Fif.Span).ReadyToReceive);
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Tsi, SubscriberIdent.Encode("DOCS"), final: false), Remote(FrameType.Dcs, Dcs(FaxRate.V29_9600)));
        d.GoodTcf(FaxRate.V29_9600);
        Assert.Equal(0x85, d.ExpectFrames(FrameType.Cfr)[0].RawFcf); // the caller keeps the X bit
        d.Page(PageA);
        d.Send(Remote(FrameType.Eop));
        d.ExpectFrames(FrameType.Mcf);
        d.Send(Remote(FrameType.Dcn));
        var result = d.ExpectHangup(HangupReason.Normal);
        Assert.True(result.Success);
        Assert.Equal("DOCS", result.RemoteIdent);
        Assert.Equal(PageA, sink.Pages[0]);
    }

    [Fact]
    public void Polling_a_station_without_a_document_fails()
    {
        var d = new Dialogue(new T30SessionOptions { Role = CallRole.Caller, PageSink = new FakePageSink() }).Start();
        d.Send(Remote(FrameType.Dis, Dis()));
        d.ExpectDisconnect(HangupReason.RemoteCannotBePolled);
    }

    [Fact]
    public void Answerer_with_a_document_is_polled()
    {
        var source = new FakePageSource(1);
        var d = new Dialogue(new T30SessionOptions { Role = CallRole.Answerer, PageSource = source }).Start();
        var dis = FaxCapabilities.Decode(d.ExpectFrames(FrameType.Dis)[0].Fif.Span);
        Assert.True(dis.ReadyToTransmit);
        Assert.False(dis.ReadyToReceive);
        d.Send(Remote(FrameType.Cig, SubscriberIdent.Encode("POLLER"), final: false, x: true), Remote(FrameType.Dtc, Dis(new FaxCapabilities { Ecm = false })));
        var dcs = d.ExpectFrames(FrameType.Dcs)[0];
        Assert.Equal(0x82, dcs.RawFcf); // the answerer never sets the X bit
        d.ExpectTcf(FaxRate.V17_14400);
        d.Send(Remote(FrameType.Cfr, x: true));
        Assert.Equal(source.Page(0), d.ExpectImage().Data.ToArray());
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf, x: true));
        var result = d.ExpectDisconnect(HangupReason.Normal);
        Assert.True(result.Success);
        Assert.Equal("POLLER", result.RemoteIdent);
    }
}
