using FaxGateway.Protocol.Frames;
using FaxGateway.Protocol.Session;
using FaxGateway.Protocol.Tests.Support;
using static FaxGateway.Protocol.Tests.Support.Dialogue;

namespace FaxGateway.Protocol.Tests.Session;

public sealed class HangupAndAbortTests
{
    [Fact]
    public void Every_reason_maps_to_fhs_and_fhng_and_back()
    {
        foreach (var reason in Enum.GetValues<HangupReason>())
        {
            Assert.Equal(reason, HangupCodes.FromFhs(reason.ToFhs()));
            Assert.Equal(reason, HangupCodes.FromFhng(reason.ToFhng()));
        }

        Assert.Equal(0x25, HangupReason.DcsNoResponse.ToFhs());
        Assert.Equal(25, HangupReason.DcsNoResponse.ToFhng());
        Assert.Equal(100, HangupReason.RxPhaseDUnspecified.ToFhng());
        Assert.Equal(103, HangupReason.RxProcedureInterrupt.ToFhng());
        Assert.Equal(94, HangupReason.RxEcmBadFrame.ToFhng());
        Assert.Equal(0x92, HangupReason.RxEcmBadFrame.ToFhs());
        // Unknown codes fall back to the unspecified code of their phase.
        Assert.Equal(HangupReason.TxPhaseDUnspecified, HangupCodes.FromFhs(0x5E));
        Assert.Equal(HangupReason.RxPhaseCUnspecified, HangupCodes.FromFhng(99));
        Assert.Equal(HangupReason.PhaseAUnspecified, HangupCodes.FromFhng(500));
    }

    [Fact]
    public void Bad_options_are_refused_at_set_up()
    {
        Assert.Throws<ArgumentException>(() => new T30Session(new T30SessionOptions { Role = CallRole.Caller }));
        Assert.Throws<ArgumentException>(() => new T30Session(new T30SessionOptions { Role = CallRole.Caller, PageSink = new FakePageSink(), LocalIdent = new string('1', 21) }));
        Assert.Throws<ArgumentException>(() => new T30Session(new T30SessionOptions { Role = CallRole.Caller, PageSink = new FakePageSink(), LocalIdent = "tab\there" }));
        Assert.Throws<ArgumentException>(() => new T30Session(new T30SessionOptions { Role = CallRole.Answerer, PageSink = new FakePageSink(), NsfToSend = new byte[300] }));
        var session = new T30Session(new T30SessionOptions { Role = CallRole.Caller, PageSink = new FakePageSink() });
        session.Start();
        Assert.Throws<InvalidOperationException>(() => session.Start());
    }

    [Fact]
    public void Abort_sends_dcn_and_hangs_up()
    {
        var d = new Dialogue(new T30SessionOptions { Role = CallRole.Caller, PageSource = new FakePageSource(1) }).Start();
        d.Send(Remote(FrameType.Dis, Dis()));
        d.ExpectFrames(FrameType.Dcs);
        var batch = d.Session.Abort();
        Assert.Contains(batch, c => c is SendFrames { Frames: [{ Type: FrameType.Dcn }] });
        Assert.Equal(HangupReason.CallAborted, ((Hangup)d.Session.OnTransmitComplete()[^1]).Reason);
        Assert.Empty(d.Session.OnTimer(d.Time.GetUtcNow()));
    }

    [Fact]
    public void Line_lost_ends_the_call_with_the_phase_reason_and_keeps_pages_honest()
    {
        var d = new Dialogue(new T30SessionOptions { Role = CallRole.Caller, PageSource = new FakePageSource(1) }).Start();
        d.Send(Remote(FrameType.Dis, Dis(new() { Ecm = false })));
        d.ExpectFrames(FrameType.Dcs);
        d.ExpectTcf(d.Session.Mode!.Rate);
        d.Send(Remote(FrameType.Cfr));
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        var hangup = (Hangup)d.Session.OnLineLost()[^1];
        Assert.Equal(HangupReason.TxPhaseDUnspecified, hangup.Reason);
        Assert.Equal(PageOutcome.NotConfirmed, d.Session.Result!.Pages[0].Outcome);

        var r = new Dialogue(new T30SessionOptions { Role = CallRole.Answerer, PageSink = new FakePageSink() }).Start();
        Assert.Equal(HangupReason.PhaseAUnspecified, ((Hangup)r.Session.OnLineLost()[^1]).Reason);
    }
}
