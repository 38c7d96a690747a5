using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Ecm;
using FaxGateway.Protocol.Frames;
using FaxGateway.Protocol.Session;
using FaxGateway.Protocol.Tests.Support;
using static FaxGateway.Protocol.Tests.Support.Dialogue;

namespace FaxGateway.Protocol.Tests.Session;

/// <summary>We call and send; the test plays the called station, frame by frame, with times.</summary>
public sealed class SenderDialogueTests
{
    private static readonly FaxCapabilities RemoteNoEcm = new() { Ecm = false, Compressions = FaxCompression.MH | FaxCompression.MR };

    private static Dialogue Sender(FakePageSource source, RtnPolicy policy = RtnPolicy.Retransmit, bool ecm = false, FaxRate? maxRate = null, int frameSize = 256) =>
        new(new T30SessionOptions
        {
            Role = CallRole.Caller,
            LocalIdent = "+1 555 0100",
            PageSource = source,
            RtnPolicy = policy,
            UseEcm = ecm,
            MaxRate = maxRate ?? FaxRate.V17_14400,
            EcmFrameSize = frameSize,
        });

    /// <summary>Phase B up to CFR: CSI/DIS in, TSI/DCS and TCF out, CFR in.</summary>
    private static void Train(Dialogue d, FaxCapabilities? remote = null, FaxRate? expected = null)
    {
        d.Send(Remote(FrameType.Csi, SubscriberIdent.Encode("REMOTE 42"), final: false), Remote(FrameType.Dis, Dis(remote ?? RemoteNoEcm)));
        var frames = d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        Assert.Equal(0x83, frames[1].RawFcf); // the caller sets the X bit
        Assert.Equal("+1 555 0100", SubscriberIdent.Decode(frames[0].Fif.Span));
        d.ExpectTcf(expected ?? FaxRate.V17_14400);
        d.ExpectReceiveHdlc();
        d.Send(Remote(FrameType.Cfr));
    }

    [Fact]
    public void One_page_non_ecm()
    {
        var source = new FakePageSource(1);
        var d = Sender(source).Start();
        d.ExpectReceiveHdlc();
        Assert.Equal(d.Time.GetUtcNow() + TimeSpan.FromSeconds(35), d.Session.NextDeadline); // T1
        Train(d);
        var image = d.ExpectImage(FaxRate.V17_14400);
        Assert.True(image.ShortTraining);
        Assert.Equal(source.Page(0), image.Data.ToArray());
        var eop = d.ExpectFrames(FrameType.Eop);
        Assert.Equal(0x2F, eop[0].RawFcf);
        d.ExpectReceiveHdlc();
        Assert.Equal(d.Time.GetUtcNow() + TimeSpan.FromSeconds(3), d.Session.NextDeadline); // T4
        d.Send(Remote(FrameType.Mcf));
        var result = d.ExpectDisconnect(HangupReason.Normal);

        Assert.True(result.Success);
        Assert.Equal("REMOTE 42", result.RemoteIdent);
        Assert.False(result.RemoteCapabilities!.Ecm);
        var page = Assert.Single(result.Pages);
        Assert.Equal(PageOutcome.Confirmed, page.Outcome);
        Assert.Equal(FaxResolution.Fine, page.Resolution);
        Assert.Equal(FaxCompression.MR, page.Compression);
        Assert.Equal(FaxRate.V17_14400, page.Rate);
        Assert.True(result.TrainingDuration > TimeSpan.Zero);
        Assert.True(result.Duration > result.TrainingDuration);
    }

    [Fact]
    public void Three_pages_with_mps()
    {
        var source = new FakePageSource(3);
        var d = Sender(source).Start();
        Train(d);
        for (var page = 0; page < 3; page++)
        {
            Assert.Equal(source.Page(page), d.ExpectImage().Data.ToArray());
            d.ExpectFrames(page < 2 ? FrameType.Mps : FrameType.Eop);
            d.Send(Remote(FrameType.Mcf));
        }

        var result = d.ExpectDisconnect(HangupReason.Normal);
        Assert.True(result.Success);
        Assert.Equal(3, result.PagesConfirmed);
    }

    [Fact]
    public void Ftt_falls_back_through_every_rate_down_to_2400_then_gives_up()
    {
        var d = Sender(new FakePageSource(1)).Start();
        d.Send(Remote(FrameType.Dis, Dis(RemoteNoEcm)));
        var seen = new List<FaxRate>();
        for (var attempt = 0; attempt < FaxRate.FallbackOrder.Count + 1; attempt++)
        {
            var dcs = DcsParameters.Decode(d.ExpectFrames(FrameType.Tsi, FrameType.Dcs)[1].Fif.Span);
            seen.Add(dcs.Rate);
            d.ExpectTcf(dcs.Rate);
            d.Send(Remote(FrameType.Ftt));
        }

        Assert.Equal([.. FaxRate.FallbackOrder, FaxRate.V27ter2400], seen);
        d.ExpectDisconnect(HangupReason.FailureToTrain);
    }

    [Fact]
    public void Ftt_then_cfr_at_a_lower_rate_sends_the_page_there()
    {
        var d = Sender(new FakePageSource(1)).Start();
        var v29Only = RemoteNoEcm with { Modems = ModemSupport.V27ter | ModemSupport.V29 };
        d.Send(Remote(FrameType.Dis, Dis(v29Only)));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V29_9600);
        d.Send(Remote(FrameType.Ftt));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V29_7200);
        d.Send(Remote(FrameType.Cfr));
        d.ExpectImage(FaxRate.V29_7200);
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        Assert.Equal(FaxRate.V29_7200, d.ExpectDisconnect(HangupReason.Normal).Pages[0].Rate);
    }

    [Fact]
    public void No_cfr_repeats_dcs_and_tcf_three_times_then_disconnects()
    {
        var d = Sender(new FakePageSource(1)).Start();
        d.Send(Remote(FrameType.Dis, Dis(RemoteNoEcm)));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
            d.ExpectTcf(FaxRate.V17_14400);
            d.ExpectReceiveHdlc();
            var t4 = d.Time.GetUtcNow() + TimeSpan.FromSeconds(3);
            Assert.Equal(t4, d.Session.NextDeadline);
            d.Elapse(TimeSpan.FromSeconds(2.9));
            Assert.Empty(d.Batch);
            d.Elapse(TimeSpan.FromSeconds(0.1));
        }

        var result = d.ExpectDisconnect(HangupReason.DcsNoResponse);
        Assert.Empty(result.Pages);
        Assert.False(result.Success);
    }

    [Fact]
    public void Second_cfr_after_a_missed_one_is_accepted()
    {
        // The efax run of spec 5: first CFR missed, sender repeated DCS+TCF, second CFR.
        var d = Sender(new FakePageSource(1)).Start();
        d.Send(Remote(FrameType.Dis, Dis(RemoteNoEcm)));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_14400);
        d.ElapseToDeadline();
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_14400);
        d.Send(Remote(FrameType.Cfr));
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        Assert.True(d.ExpectDisconnect(HangupReason.Normal).Success);
    }

    [Fact]
    public void Rtn_policy_retransmit_retrains_lower_and_resends_the_page()
    {
        var source = new FakePageSource(1);
        var d = Sender(source, RtnPolicy.Retransmit).Start();
        Train(d);
        d.ExpectImage(FaxRate.V17_14400);
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Rtn));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_12000);
        d.Send(Remote(FrameType.Cfr));
        Assert.Equal(source.Page(0), d.ExpectImage(FaxRate.V17_12000).Data.ToArray());
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        var result = d.ExpectDisconnect(HangupReason.Normal);
        var page = Assert.Single(result.Pages);
        Assert.Equal(PageOutcome.Confirmed, page.Outcome);
        Assert.Equal(2, page.Attempts);
        Assert.True(result.Success);
    }

    [Fact]
    public void Rtn_policy_retransmit_gives_up_after_the_attempt_limit()
    {
        var d = Sender(new FakePageSource(1), RtnPolicy.Retransmit).Start();
        Train(d);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            d.ExpectImage();
            d.ExpectFrames(FrameType.Eop);
            d.Send(Remote(FrameType.Rtn));
            if (attempt < 3)
            {
                d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
                d.ExpectTcf(d.Session.Mode!.Rate);
                d.Send(Remote(FrameType.Cfr));
            }
        }

        var result = d.ExpectDisconnect(HangupReason.TxPhaseDUnspecified);
        Assert.Equal(PageOutcome.Rejected, Assert.Single(result.Pages).Outcome);
        Assert.Equal(3, result.Pages[0].Attempts);
        Assert.False(result.Success);
    }

    [Fact]
    public void Call_lost_during_a_retransmission_reports_the_page_once_and_unconfirmed()
    {
        var d = Sender(new FakePageSource(1), RtnPolicy.Retransmit).Start();
        Train(d);
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Rtn));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_12000);
        d.Send(Remote(FrameType.Cfr));
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Dcn));
        var page = Assert.Single(d.ExpectHangup(HangupReason.TxPhaseDRspRecDcn).Pages);
        Assert.Equal(PageOutcome.NotConfirmed, page.Outcome);
        Assert.Equal(2, page.Attempts);
    }

    [Fact]
    public void Rtn_policy_give_up_disconnects()
    {
        var d = Sender(new FakePageSource(2), RtnPolicy.GiveUp).Start();
        Train(d);
        d.ExpectImage();
        d.ExpectFrames(FrameType.Mps);
        d.Send(Remote(FrameType.Rtn));
        var result = d.ExpectDisconnect(HangupReason.TxPhaseDUnspecified);
        Assert.Equal(PageOutcome.Rejected, Assert.Single(result.Pages).Outcome);
        Assert.Equal(0, result.PagesConfirmed);
    }

    [Fact]
    public void Rtn_policy_ignore_goes_on_but_never_reports_the_page_as_confirmed()
    {
        var source = new FakePageSource(2);
        var d = Sender(source, RtnPolicy.Ignore).Start();
        Train(d);
        d.ExpectImage();
        d.ExpectFrames(FrameType.Mps);
        d.Send(Remote(FrameType.Rtn));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_12000);
        d.Send(Remote(FrameType.Cfr));
        Assert.Equal(source.Page(1), d.ExpectImage().Data.ToArray());
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        var result = d.ExpectDisconnect(HangupReason.Normal);
        Assert.Equal([PageOutcome.RejectedIgnored, PageOutcome.Confirmed], result.Pages.Select(p => p.Outcome));
        Assert.False(result.Pages[0].IsConfirmed);
        Assert.False(result.Success);
    }

    [Fact]
    public void Rtp_confirms_the_page_and_retrains_at_the_same_rate()
    {
        var d = Sender(new FakePageSource(2)).Start();
        Train(d);
        d.ExpectImage();
        d.ExpectFrames(FrameType.Mps);
        d.Send(Remote(FrameType.Rtp));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_14400);
        d.Send(Remote(FrameType.Cfr));
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        var result = d.ExpectDisconnect(HangupReason.Normal);
        Assert.Equal([PageOutcome.ConfirmedRetrain, PageOutcome.Confirmed], result.Pages.Select(p => p.Outcome));
        Assert.True(result.Success);
    }

    [Fact]
    public void Eom_with_a_mode_change_renegotiates_in_phase_b()
    {
        var source = new FakePageSource(2);
        source.SetFormat(1, new FaxPageFormat(FaxResolution.Standard));
        var d = Sender(source).Start();
        Train(d);
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eom);
        d.Send(Remote(FrameType.Mcf));
        d.ExpectReceiveHdlc();
        Assert.Equal(d.Time.GetUtcNow() + TimeSpan.FromSeconds(35), d.Session.NextDeadline); // T1 again
        d.Send(Remote(FrameType.Dis, Dis(RemoteNoEcm)));
        var dcs = DcsParameters.Decode(d.ExpectFrames(FrameType.Tsi, FrameType.Dcs)[1].Fif.Span);
        Assert.Equal(FaxResolution.Standard, dcs.Resolution);
        d.ExpectTcf(FaxRate.V17_14400);
        d.Send(Remote(FrameType.Cfr));
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        var result = d.ExpectDisconnect(HangupReason.Normal);
        Assert.Equal([FaxResolution.Fine, FaxResolution.Standard], result.Pages.Select(p => p.Resolution));
        Assert.Equal([FaxResolution.Fine, FaxResolution.Standard], source.Requests.Select(r => r.Mode.Resolution));
    }

    [Fact]
    public void Lost_mcf_repeats_the_post_page_message()
    {
        var d = Sender(new FakePageSource(1)).Start();
        Train(d);
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.ElapseToDeadline();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        Assert.True(d.ExpectDisconnect(HangupReason.Normal).Success);
    }

    [Theory]
    [InlineData(2, FrameType.Mps, HangupReason.MpsNoResponse)]
    [InlineData(1, FrameType.Eop, HangupReason.EopNoResponse)]
    public void No_response_to_the_post_page_message_three_times(int pages, FrameType ppm, HangupReason reason)
    {
        var d = Sender(new FakePageSource(pages)).Start();
        Train(d);
        d.ExpectImage();
        for (var i = 0; i < 3; i++)
        {
            d.ExpectFrames(ppm);
            d.ElapseToDeadline();
        }

        var result = d.ExpectDisconnect(reason);
        Assert.Equal(PageOutcome.NotConfirmed, Assert.Single(result.Pages).Outcome);
        Assert.Equal(0, result.PagesConfirmed);
    }

    [Fact]
    public void Eom_without_response_reports_eom()
    {
        var source = new FakePageSource(2);
        source.SetFormat(1, new FaxPageFormat(FaxResolution.Standard));
        var d = Sender(source).Start();
        Train(d);
        d.ExpectImage();
        for (var i = 0; i < 3; i++)
        {
            d.ExpectFrames(FrameType.Eom);
            d.ElapseToDeadline();
        }

        d.ExpectDisconnect(HangupReason.EomNoResponse);
    }

    [Fact]
    public void Crp_makes_the_sender_repeat_its_command()
    {
        var d = Sender(new FakePageSource(1)).Start();
        d.Send(Remote(FrameType.Dis, Dis(RemoteNoEcm)));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_14400);
        d.Send(Remote(FrameType.Crp));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_14400);
        d.Send(Remote(FrameType.Cfr));
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Crp));
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        Assert.True(d.ExpectDisconnect(HangupReason.Normal).Success);
    }

    [Fact]
    public void Garbled_response_counts_as_no_response()
    {
        var d = Sender(new FakePageSource(1)).Start();
        Train(d);
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.SendBad([0xFF, 0x13, 0x8C]);
        Assert.Empty(d.Batch);
        d.Carrier(FaxCarrier.V21, false); // the carrier drops: act on the bad frame now
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        Assert.Equal(1, d.ExpectDisconnect(HangupReason.Normal).BadFramesReceived);
    }

    [Fact]
    public void Dis_repeated_three_times_means_dcs_not_recognised()
    {
        var d = Sender(new FakePageSource(1)).Start();
        d.Send(Remote(FrameType.Dis, Dis(RemoteNoEcm)));
        for (var i = 0; i < 2; i++)
        {
            d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
            d.ExpectTcf(FaxRate.V17_14400);
            d.Send(Remote(FrameType.Dis, Dis(RemoteNoEcm)));
        }

        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_14400);
        d.Send(Remote(FrameType.Dis, Dis(RemoteNoEcm)));
        d.ExpectDisconnect(HangupReason.DisReceivedThrice);
    }

    [Fact]
    public void Dcn_while_waiting_for_dis()
    {
        var d = Sender(new FakePageSource(1)).Start();
        d.Send(Remote(FrameType.Dcn));
        d.ExpectHangup(HangupReason.TxPhaseBComRecDcn);
    }

    [Fact]
    public void Dcn_instead_of_cfr()
    {
        var d = Sender(new FakePageSource(1)).Start();
        d.Send(Remote(FrameType.Dis, Dis(RemoteNoEcm)));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V17_14400);
        d.Send(Remote(FrameType.Dcn));
        d.ExpectHangup(HangupReason.TxPhaseBRspRecDcn);
    }

    [Fact]
    public void Dcn_instead_of_mcf_leaves_the_page_unconfirmed()
    {
        var d = Sender(new FakePageSource(1)).Start();
        Train(d);
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Dcn));
        var result = d.ExpectHangup(HangupReason.TxPhaseDRspRecDcn);
        Assert.Equal(PageOutcome.NotConfirmed, Assert.Single(result.Pages).Outcome);
        Assert.False(result.Success);
    }

    [Fact]
    public void Dcn_in_ecm_phase_d()
    {
        var d = Sender(new FakePageSource(1), ecm: true).Start();
        Train(d, new FaxCapabilities());
        d.ExpectEcmBlock();
        d.ExpectFrames(FrameType.Pps);
        d.Send(Remote(FrameType.Dcn));
        Assert.Equal(0, d.ExpectHangup(HangupReason.TxPhaseDRspRecDcn).PagesConfirmed);
    }

    [Fact]
    public void T1_expires_without_dis()
    {
        var d = Sender(new FakePageSource(1)).Start();
        d.Elapse(TimeSpan.FromSeconds(34.9));
        Assert.Empty(d.Batch);
        d.Elapse(TimeSpan.FromSeconds(0.1));
        d.ExpectDisconnect(HangupReason.T1Timeout);
    }

    [Fact]
    public void Pip_after_the_last_page_ends_normally_and_pin_is_a_rejection()
    {
        var d = Sender(new FakePageSource(1)).Start();
        Train(d);
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Pip));
        Assert.Equal(PageOutcome.ConfirmedInterrupt, d.ExpectDisconnect(HangupReason.Normal).Pages[0].Outcome);

        var e = Sender(new FakePageSource(2)).Start();
        Train(e);
        e.ExpectImage();
        e.ExpectFrames(FrameType.Mps);
        e.Send(Remote(FrameType.Pin));
        Assert.Equal(PageOutcome.Rejected, e.ExpectDisconnect(HangupReason.ProcedureInterrupt).Pages[0].Outcome);
    }

    [Fact]
    public void Remote_that_cannot_receive_is_not_sent_to()
    {
        var d = Sender(new FakePageSource(1)).Start();
        d.Send(Remote(FrameType.Dis, Dis(new FaxCapabilities { ReadyToReceive = false })));
        d.ExpectDisconnect(HangupReason.TxPhaseBUnspecified);
    }

    // ------------------------------------------------------------ ECM

    [Fact]
    public void Ecm_resends_only_the_frames_a_ppr_asks_for()
    {
        var source = new FakePageSource(1, bytesPerPage: (256 * 3) + 10);
        var d = Sender(source, ecm: true).Start();
        Train(d, new FaxCapabilities());
        var block = d.ExpectEcmBlock(FaxRate.V17_14400);
        Assert.Equal(4 + 3, block.Frames.Count);
        Assert.Equal(0x06, block.Frames[0].RawFcf);
        Assert.Equal(257, block.Frames[0].Fif.Length);
        Assert.Equal(11, block.Frames[3].Fif.Length);
        var pps = d.ExpectFrames(FrameType.Pps)[0];
        Assert.Equal(new byte[] { 0x2F, 0, 0, 3 }, pps.Fif.ToArray()); // PPS-EOP (with X bit), page 0, block 0, 4 frames

        d.Send(Remote(FrameType.Ppr, PprMap.Build([1, 3])));
        var resent = d.ExpectEcmBlock();
        Assert.Equal([1, 3], resent.Frames.SkipLast(3).Select(f => (int)f.Fif.Span[0]));
        Assert.Equal(source.Page(0).AsSpan(256, 256).ToArray(), resent.Frames[0].Fif[1..].ToArray());
        d.ExpectFrames(FrameType.Pps);
        d.Send(Remote(FrameType.Mcf));
        var result = d.ExpectDisconnect(HangupReason.Normal);
        var page = Assert.Single(result.Pages);
        Assert.True(page.Ecm);
        Assert.Equal(FaxCompression.MMR, page.Compression);
        Assert.Equal(2, page.ResentFrames);
        Assert.Equal(PageOutcome.Confirmed, page.Outcome);
    }

    [Fact]
    public void Ecm_page_of_several_partial_pages_uses_pps_null()
    {
        var source = new FakePageSource(1, bytesPerPage: (64 * 256) + 100);
        var d = Sender(source, ecm: true, frameSize: 64).Start();
        Train(d, new FaxCapabilities());
        Assert.Equal(256 + 3, d.ExpectEcmBlock().Frames.Count);
        Assert.Equal(new byte[] { 0x00, 0, 0, 255 }, d.ExpectFrames(FrameType.Pps)[0].Fif.ToArray());
        d.Send(Remote(FrameType.Mcf));
        Assert.Equal(2 + 3, d.ExpectEcmBlock().Frames.Count);
        Assert.Equal(new byte[] { 0x2F, 0, 1, 1 }, d.ExpectFrames(FrameType.Pps)[0].Fif.ToArray());
        d.Send(Remote(FrameType.Mcf));
        Assert.True(d.ExpectDisconnect(HangupReason.Normal).Success);
    }

    [Fact]
    public void Ecm_four_pprs_lead_to_ctc_at_a_lower_rate()
    {
        var d = Sender(new FakePageSource(1, bytesPerPage: 1000), ecm: true).Start();
        Train(d, new FaxCapabilities());
        d.ExpectEcmBlock();
        d.ExpectFrames(FrameType.Pps);
        for (var i = 0; i < 3; i++)
        {
            d.Send(Remote(FrameType.Ppr, PprMap.Build([2])));
            d.ExpectEcmBlock(FaxRate.V17_14400);
            d.ExpectFrames(FrameType.Pps);
        }

        d.Send(Remote(FrameType.Ppr, PprMap.Build([2])));
        var ctc = d.ExpectFrames(FrameType.Ctc)[0];
        Assert.Equal(FaxRate.V17_12000, DcsParameters.DecodeCtc(ctc.Fif.Span));
        d.Send(Remote(FrameType.Ctr));
        var block = d.ExpectEcmBlock(FaxRate.V17_12000);
        Assert.False(block.ShortTraining);
        Assert.Equal(1 + 3, block.Frames.Count);
        d.ExpectFrames(FrameType.Pps);
        d.Send(Remote(FrameType.Mcf));
        var result = d.ExpectDisconnect(HangupReason.Normal);
        Assert.Equal(4, result.Pages[0].ResentFrames);
        Assert.Equal(FaxRate.V17_12000, result.Pages[0].Rate);
    }

    [Fact]
    public void Ecm_at_the_lowest_rate_gives_the_block_up_with_eor()
    {
        var d = Sender(new FakePageSource(1, bytesPerPage: 1000), ecm: true, maxRate: FaxRate.V27ter2400).Start();
        Train(d, new FaxCapabilities(), FaxRate.V27ter2400);
        d.ExpectEcmBlock();
        d.ExpectFrames(FrameType.Pps);
        for (var i = 0; i < 3; i++)
        {
            d.Send(Remote(FrameType.Ppr, PprMap.Build([0])));
            d.ExpectEcmBlock();
            d.ExpectFrames(FrameType.Pps);
        }

        d.Send(Remote(FrameType.Ppr, PprMap.Build([0])));
        Assert.Equal(new byte[] { 0x2F }, d.ExpectFrames(FrameType.Eor)[0].Fif.ToArray());
        d.Send(Remote(FrameType.Err));
        var result = d.ExpectDisconnect(HangupReason.Normal);
        Assert.Equal(PageOutcome.SentWithErrors, result.Pages[0].Outcome);
        Assert.False(result.Success);
    }

    [Fact]
    public void Ecm_rnr_is_polled_with_rr_until_ready()
    {
        var d = Sender(new FakePageSource(1), ecm: true).Start();
        Train(d, new FaxCapabilities());
        d.ExpectEcmBlock();
        d.ExpectFrames(FrameType.Pps);
        d.Send(Remote(FrameType.Rnr));
        d.ExpectFrames(FrameType.Rr);
        d.Send(Remote(FrameType.Rnr));
        d.ExpectFrames(FrameType.Rr);
        d.Send(Remote(FrameType.Mcf));
        Assert.True(d.ExpectDisconnect(HangupReason.Normal).Success);
    }

    [Fact]
    public void T5_expires_while_the_receiver_stays_not_ready()
    {
        var d = Sender(new FakePageSource(1), ecm: true).Start();
        Train(d, new FaxCapabilities());
        d.ExpectEcmBlock();
        d.ExpectFrames(FrameType.Pps);
        var firstRnr = d.Time.GetUtcNow();
        var rrSent = 0;
        while (true)
        {
            d.Send(Remote(FrameType.Rnr));
            if (d.Batch[^1] is SendFrames { Frames: [{ Type: FrameType.Dcn }] })
            {
                break;
            }

            d.ExpectFrames(FrameType.Rr);
            rrSent++;
            d.Elapse(TimeSpan.FromSeconds(1));
        }

        Assert.True(d.Time.GetUtcNow() - firstRnr >= TimeSpan.FromSeconds(60));
        Assert.True(rrSent > 10);
        d.ExpectDisconnect(HangupReason.TxPhaseDUnspecified);
    }
}
