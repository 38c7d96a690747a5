using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Ecm;
using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Session;

/// <summary>The receiving side: CSI/DIS, DCS, TCF judgement, CFR/FTT, pages, MCF/RTP/RTN, ECM PPR/CTR/ERR/RNR, polling.</summary>
public sealed partial class T30Session
{
    private int _rxPageCount;
    private bool _rxPageOpen;
    private FrameType? _lastPpm;
    private bool _rxDataSinceResponse;

    // ECM receive state: the frames of the current partial page by frame number.
    private readonly byte[]?[] _ecmFrames = new byte[]?[PartialPage.MaxFramesPerBlock];
    private bool _rcpSeen;
    private FrameType _ecmPpm;
    private bool _ecmPageErrors;
    private int _lastPpsKey = -1;
    private int _ecmBlockFrames;

    private IFaxPageSink Sink => _options.PageSink!;

    /// <summary>R: NSF/CSI/DIS out (our capabilities; bit 9 if we have a document to be polled).</summary>
    private void SendDis(bool withSilence)
    {
        var frames = new List<T30Frame>(3);
        if (!_options.NsfToSend.IsEmpty)
        {
            frames.Add(MakeFrame(FrameType.Nsf, _options.NsfToSend.Span, final: false));
        }

        AddLocalIdent(frames, FrameType.Csi);
        var dis = _options.LocalCapabilities with
        {
            ReadyToReceive = _options.PageSink is not null,
            ReadyToTransmit = _options.PageSource is not null && _pageIndex < _options.PageSource.PageCount,
        };
        frames.Add(MakeFrame(FrameType.Dis, dis.Encode()));
        // T1 bounds how long DIS is repeated without an answer.
        _t1Deadline ??= _now + _timers.T1;
        Transmit(T30State.R, frames, withSilence);
    }

    /// <summary>R: DIS sent; waiting for TSI/DCS (or DTC when polled). DIS is repeated every T4 until T1 expires.</summary>
    private void OnR(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.TransmitComplete, _):
                AwaitFrames(_timers.T4);
                break;
            case (EventKind.Frame, FrameType.Dcs):
                AcceptDcs(e.Frame!);
                break;
            case (EventKind.Frame, FrameType.Dtc):
                Polled(e.Frame!);
                break;
            case (EventKind.Timeout, _):
                if (_t1Deadline is { } t1 && _now >= t1)
                {
                    Disconnect(_rxPageCount > 0 ? HangupReason.RxT1AfterEom : HangupReason.T1Timeout);
                }
                else
                {
                    SendDis(withSilence: true);
                }

                break;
            default:
                Otherwise(e);
                break;
        }
    }

    /// <summary>A DTC: the caller polls our document; we become the transmitting station.</summary>
    private void Polled(T30Frame dtc)
    {
        if (!IsSender || _pageIndex >= Source.PageCount)
        {
            Disconnect(HangupReason.RemoteCannotBePolled);
            return;
        }

        _remoteCapabilities = FaxCapabilities.Decode(dtc.Fif.Span);
        StartNegotiation();
    }

    /// <summary>T_Dtc: we polled with DTC; waiting for the polled station's TSI/DCS (T4, three tries).</summary>
    private void OnTDtc(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.TransmitComplete, _):
                AwaitFrames(_timers.T4);
                break;
            case (EventKind.Frame, FrameType.Dcs):
                AcceptDcs(e.Frame!);
                break;
            case (EventKind.Frame, FrameType.Dis):
                RepeatCommand(HangupReason.RemoteCannotBePolled);
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    /// <summary>DCS received: take the mode and receive TCF.</summary>
    private void AcceptDcs(T30Frame dcs)
    {
        if (_options.PageSink is null)
        {
            Disconnect(HangupReason.RxPhaseBUnspecified);
            return;
        }

        _dcs = DcsParameters.Decode(dcs.Fif.Span);
        _lastCommand = null;
        _t1Deadline = null;
        State = T30State.F_Tcf;
        Emit(new ReceiveTcf(_dcs.Rate));
        _deadline = _now + _timers.T2;
    }

    /// <summary>F: waiting for a command after FTT, RTN or RTP (T2).</summary>
    private void OnF(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.TransmitComplete, _):
                AwaitFrames(_timers.T2);
                break;
            case (EventKind.Frame, FrameType.Dcs):
                AcceptDcs(e.Frame!);
                break;
            case (EventKind.Frame, var ppm) when Fcf.IsPostPageMessage(ppm) && _lastResponse is not null:
                // Our response to the post-page message was lost: say it again.
                RepeatResponse();
                break;
            case (EventKind.Timeout, _):
                Disconnect(HangupReason.RxPhaseBUnspecified);
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    /// <summary>F: judging TCF from the statistics the driver measured (T2 if it never comes).</summary>
    private void OnFTcf(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.Tcf, _):
                var minRun = _dcs!.Ecm ? _options.TcfMinZeroRun / 2 : _options.TcfMinZeroRun;
                var good = e.Tcf.IsAcceptable(_dcs.Rate.BitsPerSecond, minRun, _timers.TcfDuration);
                SendResponse(good ? T30State.F_Cfr : T30State.F_Ftt, MakeFrame(good ? FrameType.Cfr : FrameType.Ftt));
                break;
            case (EventKind.Timeout, _):
                SendResponse(T30State.F_Ftt, MakeFrame(FrameType.Ftt));
                break;
            case (EventKind.Frame, FrameType.Dcs):
                AcceptDcs(e.Frame!);
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    private void OnFCfr(in T30Event e)
    {
        if (e.Kind == EventKind.TransmitComplete)
        {
            _firstCfrAt ??= _now;
            ReceivePhaseC(shortTraining: true);
        }
        else
        {
            Otherwise(e);
        }
    }

    /// <summary>F: FTT sent; waiting for the sender to train again with a new DCS (T2).</summary>
    private void OnFFtt(in T30Event e) => AfterTransmitAwait(e, T30State.F, _timers.T2);

    /// <summary>Arms phase C reception; T2 until the page starts.</summary>
    private void ReceivePhaseC(bool shortTraining)
    {
        State = _dcs!.Ecm ? T30State.F_DocEcm : T30State.F_DocNonEcm;
        _rcpSeen = false;
        _rxDataSinceResponse = false;
        Emit(new ReceiveImage(_dcs.Rate, shortTraining, _dcs.Ecm, _dcs.EcmFrameSize));
        _deadline = _now + _timers.T2;
    }

    /// <summary>A response going out after which phase C follows (PPR: the flagged frames again; CTR: at the new
    /// rate): once it is sent, arm phase C reception; any other event takes the common path.</summary>
    private void AfterTransmitReceivePhaseC(in T30Event e, bool shortTraining)
    {
        if (e.Kind == EventKind.TransmitComplete)
        {
            ReceivePhaseC(shortTraining);
        }
        else
        {
            Otherwise(e);
        }
    }

    private void OpenRxPage()
    {
        if (_rxPageOpen)
        {
            return;
        }

        _rxPageOpen = true;
        _pageStartedAt = _now;
        _resentFrames = 0;
        _ecmPageErrors = false;
        _pageAttempts = 1;
        Sink.BeginPage(_rxPageCount, _dcs!);
    }

    /// <summary>The post-page message <paramref name="ppm"/> ends the received page: the sink judges its copy quality.</summary>
    private PageVerdict CloseRxPage(FrameType ppm)
    {
        var verdict = Sink.EndPage();
        _rxPageOpen = false;
        _lastPpm = ppm;
        return verdict;
    }

    private void RecordReceivedPage(PageOutcome outcome, int badLines)
    {
        _pages[_rxPageCount] = PageResult(_rxPageCount, outcome, badLines);
        _rxPageCount++;
    }

    private void ReceivePageData(ReadOnlySpan<byte> data)
    {
        OpenRxPage();
        _rxDataSinceResponse = true;
        Sink.Write(data);
        _deadline = _now + _timers.PhaseCInactivity;
    }

    /// <summary>F: receiving a non-ECM page (data via OnPageData).</summary>
    private void OnFDocNonEcm(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.PageEnd, _):
                EndOfPhaseC();
                break;
            case (EventKind.Timeout, _) when _rxPageOpen:
                EndOfPhaseC();
                break;
            case (EventKind.Frame, var ppm) when Fcf.IsPostPageMessage(ppm):
                if (!_rxDataSinceResponse && _lastPpm is not null && _lastResponse is not null)
                {
                    // The sender repeats the post-page message: our MCF was lost.
                    RepeatResponse();
                }
                else
                {
                    OpenRxPage();
                    PostPageMessage(Fcf.WithoutProcedureInterrupt(ppm));
                }

                break;
            default:
                OtherwiseInPhaseC(e);
                break;
        }
    }

    /// <summary>Phase C reception (non-ECM or ECM), events other than the page itself: the sender is talking HDLC
    /// instead (+FCERROR: it repeats DCS or a post-page message), so listen on V.21; a DCS trains again; T2 without
    /// a page ends the call; anything else takes the common path.</summary>
    private void OtherwiseInPhaseC(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.Timeout, _):
                Disconnect(HangupReason.RxPageNotReceived);
                break;
            case (EventKind.V21Detected, _):
                AwaitFrames(_timers.T2);
                break;
            case (EventKind.Frame, FrameType.Dcs):
                AcceptDcs(e.Frame!);
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    private void EndOfPhaseC()
    {
        OpenRxPage();
        AwaitFramesIn(T30State.F_PostDocNonEcm, _timers.T2);
    }

    /// <summary>F: page ended; waiting for MPS/EOM/EOP (T2).</summary>
    private void OnFPostDocNonEcm(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.TransmitComplete, _):
                AwaitFrames(_timers.T2);
                break;
            case (EventKind.Frame, var ppm) when Fcf.IsPostPageMessage(ppm):
                PostPageMessage(Fcf.WithoutProcedureInterrupt(ppm));
                break;
            case (EventKind.Timeout, _):
                Disconnect(HangupReason.RxPhaseDUnspecified);
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    /// <summary>The page is complete: ask the sink for its copy-quality verdict and answer MCF/RTP/RTN.</summary>
    private void PostPageMessage(FrameType ppm)
    {
        var verdict = CloseRxPage(ppm);
        var (outcome, response, next) = verdict.Quality switch
        {
            CopyQuality.Good => (PageOutcome.Received, FrameType.Mcf, T30State.III_Q_Mcf),
            CopyQuality.Poor => (PageOutcome.ReceivedPoor, FrameType.Rtp, T30State.III_Q_Rtp),
            _ => (PageOutcome.ReceivedBad, FrameType.Rtn, T30State.III_Q_Rtn),
        };
        RecordReceivedPage(outcome, verdict.BadLines);
        SendResponse(next, MakeFrame(response));
    }

    /// <summary>III_Q: MCF sent: next page (MPS), phase B again (EOM), or wait for DCN (EOP).</summary>
    private void OnIIIQMcf(in T30Event e)
    {
        if (e.Kind == EventKind.TransmitComplete)
        {
            AfterPageResponse(_lastPpm ?? FrameType.Eop);
        }
        else
        {
            Otherwise(e);
        }
    }

    private void AfterPageResponse(FrameType ppm)
    {
        switch (ppm)
        {
            case FrameType.Mps:
                ReceivePhaseC(shortTraining: true);
                break;
            case FrameType.Eom:
                _t1Deadline = _now + _timers.T1;
                SendDis(withSilence: true);
                break;
            default:
                AwaitFramesIn(T30State.B, _timers.T2);
                break;
        }
    }

    /// <summary>III_Q: RTP sent: the page is accepted; the sender retrains (DCS) before the next page, or disconnects.</summary>
    private void OnIIIQRtp(in T30Event e) => AfterTransmitAwait(e, T30State.F, _timers.T2);

    /// <summary>III_Q: RTN sent: the page is rejected; the sender retrains (DCS) to send it again, or disconnects.</summary>
    private void OnIIIQRtn(in T30Event e) => AfterTransmitAwait(e, T30State.F, _timers.T2);

    // ---------------------------------------------------------------- ECM receive

    /// <summary>F: receiving the frames of a partial page (FCD, then RCP).</summary>
    private void OnFDocEcm(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.Frame, FrameType.Fcd):
                var fif = e.Frame!.Fif.Span;
                if (fif.Length >= 1 && fif.Length - 1 <= _dcs!.EcmFrameSize)
                {
                    OpenRxPage();
                    _rxDataSinceResponse = true;
                    _ecmFrames[fif[0]] = fif[1..].ToArray();
                    _deadline = _now + _timers.PhaseCInactivity;
                }

                break;
            case (EventKind.Frame, FrameType.Rcp):
            case (EventKind.PageEnd, _):
                if (!_rcpSeen)
                {
                    _rcpSeen = true;
                    AwaitFramesIn(T30State.F_PostDocEcm, _timers.T2);
                }

                break;
            case (EventKind.Frame, _) when IsEcmPostMessage(e.Type):
                OnFPostDocEcm(e);
                break;
            case (EventKind.Timeout, _) when _rxDataSinceResponse:
                AwaitFramesIn(T30State.F_PostDocEcm, _timers.T2);
                break;
            default:
                OtherwiseInPhaseC(e);
                break;
        }
    }

    private static bool IsEcmPostMessage(FrameType type) => type is FrameType.Pps or FrameType.Eor or FrameType.Ctc or FrameType.Rr;

    /// <summary>F: partial page received; waiting for PPS/EOR/CTC/RR (T2).</summary>
    private void OnFPostDocEcm(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.TransmitComplete, _):
                AwaitFrames(_timers.T2);
                break;
            case (EventKind.Frame, FrameType.Pps):
                PartialPageSignal(e.Frame!);
                break;
            case (EventKind.Frame, FrameType.Eor):
                EndOfRetransmission(e.Frame!);
                break;
            case (EventKind.Frame, FrameType.Ctc):
                _dcs = _dcs! with { Rate = DcsParameters.DecodeCtc(e.Frame!.Fif.Span) };
                SendResponse(T30State.F_Ctr, MakeFrame(FrameType.Ctr));
                break;
            case (EventKind.Frame, FrameType.Rr):
                if (!Sink.IsReady)
                {
                    SendResponse(T30State.F_PostRcpRnr, MakeFrame(FrameType.Rnr));
                }
                else if (_pendingPps is not null)
                {
                    PartialPageSignal(_pendingPps);
                }
                else if (_lastResponse is not null)
                {
                    RepeatResponse();
                }

                break;
            case (EventKind.Timeout, _):
                Disconnect(HangupReason.RxPhaseDUnspecified);
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    private T30Frame? _pendingPps;

    /// <summary>PPS: all frames there → deliver the block and MCF; otherwise PPR with the map of missing frames.</summary>
    private void PartialPageSignal(T30Frame pps)
    {
        var fif = pps.Fif.Span;
        if (fif.Length < 4)
        {
            T30FrameException.Throw($"PPS FIF of {fif.Length} octets is shorter than 4");
        }

        var key = (fif[1] << 8) | fif[2];
        if (key == _lastPpsKey && !_rxDataSinceResponse && _lastResponse is not null)
        {
            // The sender repeats a PPS we already confirmed: our MCF was lost.
            RepeatResponse();
            return;
        }

        // T.30 leaves it open whether the count is the block's frames or this burst's (spandsp sends
        // the burst's after a PPR): the largest count seen for the block is its size (as spandsp reads it).
        _ecmBlockFrames = Math.Max(_ecmBlockFrames, fif[3] + 1);
        var count = _ecmBlockFrames;

        if (!Sink.IsReady)
        {
            _pendingPps = pps;
            SendResponse(T30State.F_PostRcpRnr, MakeFrame(FrameType.Rnr));
            return;
        }

        _pendingPps = null;
        var missing = new List<int>();
        for (var n = 0; n < count; n++)
        {
            if (_ecmFrames[n] is null)
            {
                missing.Add(n);
            }
        }

        _rxDataSinceResponse = false;
        if (missing.Count > 0)
        {
            _resentFrames += missing.Count;
            SendResponse(T30State.F_PostRcpPpr, MakeFrame(FrameType.Ppr, PprMap.Build(missing)));
            return;
        }

        _lastPpsKey = key;
        DeliverBlock(count, Fcf.TypeOf(fif[0]));
        SendResponse(T30State.F_PostRcpMcf, MakeFrame(FrameType.Mcf));
    }

    /// <summary>EOR: the sender gives the block up; keep what arrived and answer ERR.</summary>
    private void EndOfRetransmission(T30Frame eor)
    {
        var fif = eor.Fif.Span;
        var fcf2 = fif.Length > 0 ? Fcf.TypeOf(fif[0]) : FrameType.Null;
        var count = 0;
        for (var n = 0; n < _ecmFrames.Length; n++)
        {
            if (_ecmFrames[n] is not null)
            {
                count = n + 1;
            }
        }

        _ecmPageErrors = true;
        _rxDataSinceResponse = false;
        DeliverBlock(count, fcf2);
        SendResponse(T30State.F_PostRcpMcf, MakeFrame(FrameType.Err));
    }

    /// <summary>Hands the frames of a partial page, in order, to the sink; closes the page if FCF2 is a post-page message.</summary>
    private void DeliverBlock(int count, FrameType fcf2)
    {
        OpenRxPage();
        for (var n = 0; n < count; n++)
        {
            if (_ecmFrames[n] is { } data)
            {
                Sink.Write(data);
            }
        }

        Array.Clear(_ecmFrames);
        _ecmBlockFrames = 0;
        _ecmPpm = Fcf.WithoutProcedureInterrupt(fcf2);
        if (_ecmPpm == FrameType.Null)
        {
            return;
        }

        var verdict = CloseRxPage(_ecmPpm);
        RecordReceivedPage(_ecmPageErrors ? PageOutcome.ReceivedWithErrors : PageOutcome.Received, verdict.BadLines);
    }

    /// <summary>F: MCF/ERR to a partial page sent: next block, next page, phase B, or wait for DCN.</summary>
    private void OnFPostRcpMcf(in T30Event e)
    {
        if (e.Kind != EventKind.TransmitComplete)
        {
            Otherwise(e);
            return;
        }

        if (_ecmPpm == FrameType.Null)
        {
            ReceivePhaseC(shortTraining: true);
        }
        else
        {
            AfterPageResponse(_ecmPpm);
        }
    }

    /// <summary>F: PPR sent: the sender resends the flagged frames.</summary>
    private void OnFPostRcpPpr(in T30Event e) => AfterTransmitReceivePhaseC(e, shortTraining: true);

    /// <summary>F: RNR sent: wait for RR (the sender polls within T5).</summary>
    private void OnFPostRcpRnr(in T30Event e) => AfterTransmitAwait(e, T30State.F_PostDocEcm, _timers.T2);

    /// <summary>F: CTR sent: the sender resends at the new rate with long training.</summary>
    private void OnFCtr(in T30Event e) => AfterTransmitReceivePhaseC(e, shortTraining: false);

    /// <summary>B: last page confirmed; waiting for DCN (T2; its absence is harmless).</summary>
    private void OnB(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.TransmitComplete, _):
                AwaitFrames(_timers.T2);
                break;
            case (EventKind.Frame, FrameType.Dcn):
            case (EventKind.Timeout, _):
                Finish(HangupReason.Normal);
                break;
            case (EventKind.Frame, var ppm) when (Fcf.IsPostPageMessage(ppm) || ppm == FrameType.Pps) && _lastResponse is not null:
                // Our MCF to the last page was lost and the sender asks again.
                RepeatResponse();
                break;
            default:
                Otherwise(e);
                break;
        }
    }
}
