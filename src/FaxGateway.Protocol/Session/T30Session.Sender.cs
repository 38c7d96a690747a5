using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Ecm;
using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Session;

/// <summary>The transmitting side: phase B (DIS → TSI/DCS, TCF, CFR/FTT), phase C and D (MPS/EOM/EOP, MCF/RTP/RTN, ECM).</summary>
public sealed partial class T30Session
{
    private int _pageIndex;
    private int _pageAttempts;
    private DateTimeOffset _pageStartedAt;
    private bool _pageInFlight;
    private FrameType _ppm = FrameType.Eop;
    private bool _ppmIsPageEnd;
    private int _resentFrames;
    private int _disReceived;
    private int _trainingAtLowest;
    private bool _shortTraining;

    // ECM transmit state.
    private IReadOnlyList<IReadOnlyList<ReadOnlyMemory<byte>>> _blocks = [];
    private int _blockIndex;
    private int _pprCount;
    private IReadOnlyList<int> _framesToResend = [];
    private FaxRate _ctcRate;
    private bool _eorUsed;

    private IFaxPageSource Source => _options.PageSource!;

    // V.27ter 2400 is always permitted (DIS 0000 is its fall-back mode), so the intersection is enough.
    private ModemSupport CommonModems => _options.LocalCapabilities.Modems & (_remoteCapabilities?.Modems ?? ModemSupport.V27terFallbackOnly);

    /// <summary>T: waiting for the called station's DIS (T1 from the start of the call, or after EOM).</summary>
    private void OnT(in T30Event e)
    {
        switch (e.Kind)
        {
            case EventKind.Frame when e.Type == FrameType.Dis:
                _remoteCapabilities = FaxCapabilities.Decode(e.Frame!.Fif.Span);
                if (IsSender && _pageIndex < Source.PageCount && _remoteCapabilities.ReadyToReceive)
                {
                    StartNegotiation();
                }
                else if (_options.PageSink is not null && _remoteCapabilities.ReadyToTransmit)
                {
                    // Polling: ask the called station to send its document (CIG, DTC).
                    var frames = new List<T30Frame>();
                    AddLocalIdent(frames, FrameType.Cig);
                    frames.Add(MakeFrame(FrameType.Dtc, (_options.LocalCapabilities with { ReadyToReceive = true, ReadyToTransmit = false }).Encode()));
                    SendCommand(T30State.T_Dtc, [.. frames]);
                }
                else
                {
                    Disconnect(_options.PageSink is not null && !IsSender ? HangupReason.RemoteCannotBePolled : HangupReason.TxPhaseBUnspecified);
                }

                break;
            case EventKind.Timeout:
                Disconnect(_pageIndex > 0 ? HangupReason.RxT1AfterEom : HangupReason.T1Timeout);
                break;
            case EventKind.V21Detected:
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    /// <summary>Chooses the DCS for the next page from the remote's DIS (or DTC when we are polled) and starts training.</summary>
    private void StartNegotiation()
    {
        var format = Source.GetFormat(_pageIndex);
        var dcs = Negotiation.Choose(_options.LocalCapabilities, _remoteCapabilities!, format, _options.MaxRate, _options.UseEcm, _options.EcmFrameSize);
        if (dcs is null)
        {
            Disconnect(HangupReason.TxPhaseBUnspecified);
            return;
        }

        _dcs = dcs;
        _trainingAtLowest = 0;
        SendDcs();
    }

    /// <summary>D: TSI and DCS, followed by TCF once they are out.</summary>
    private void SendDcs()
    {
        var frames = new List<T30Frame>(2);
        AddLocalIdent(frames, FrameType.Tsi);
        frames.Add(MakeFrame(FrameType.Dcs, _dcs!.Encode()));
        SendCommand(T30State.D, [.. frames]);
    }

    private void OnD(in T30Event e)
    {
        if (e.Kind == EventKind.TransmitComplete)
        {
            // T.30 5.3.2.4 / HylaFAX Class1TCFWaitCmd: a pause between DCS and TCF.
            TransmitHighSpeed(T30State.D_Tcf, new SendTcf(_dcs!.Rate, _timers.TcfDuration));
        }
        else
        {
            Otherwise(e);
        }
    }

    /// <summary>D: TCF sent; waiting for CFR/FTT (T4).</summary>
    private void OnDTcf(in T30Event e) => AfterTransmitAwait(e, T30State.D_PostTcf, _timers.T4);

    /// <summary>D: waiting for CFR or FTT after TCF (T4; DCS and TCF repeated up to three times).</summary>
    private void OnDPostTcf(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.Frame, FrameType.Cfr):
                _firstCfrAt ??= _now;
                _shortTraining = true;
                StartPage();
                break;
            case (EventKind.Frame, FrameType.Ftt):
                FallBack();
                break;
            case (EventKind.Frame, FrameType.Dis):
                // The called station did not understand our DCS and repeats its DIS.
                _disReceived++;
                if (_disReceived >= _options.MaxCommandTries)
                {
                    Disconnect(HangupReason.DisReceivedThrice);
                }
                else
                {
                    RepeatCommand(HangupReason.DcsNoResponse);
                }

                break;
            default:
                Otherwise(e);
                break;
        }
    }

    /// <summary>FTT: train again at the next lower rate both sides permit (spec 3.4 fallback order).</summary>
    private void FallBack()
    {
        var lower = _dcs!.Rate.NextLower(CommonModems);
        if (lower is { } rate)
        {
            _dcs = _dcs with { Rate = rate };
            SendDcs();
            return;
        }

        _trainingAtLowest++;
        if (_trainingAtLowest >= _options.MaxTrainingAttemptsAtLowestRate)
        {
            Disconnect(HangupReason.FailureToTrain);
            return;
        }

        SendDcs();
    }

    /// <summary>Phase C: sends the current page (non-ECM: one image; ECM: the first partial page).</summary>
    private void StartPage()
    {
        var data = Source.GetPageData(_pageIndex, _dcs!);
        _pageAttempts++;
        _pageStartedAt = _now;
        _pageInFlight = true;
        _resentFrames = 0;
        _ppm = _pageIndex + 1 >= Source.PageCount ? FrameType.Eop
            : Source.GetFormat(_pageIndex + 1) != Source.GetFormat(_pageIndex) ? FrameType.Eom
            : FrameType.Mps;
        if (_dcs!.Ecm)
        {
            _blocks = PartialPage.Split(data, _dcs.EcmFrameSize);
            _blockIndex = 0;
            _eorUsed = false;
            SendWholeBlock();
            return;
        }

        _ppmIsPageEnd = true;
        TransmitHighSpeed(T30State.I, new SendImage(_dcs.Rate, _shortTraining, data));
    }

    /// <summary>I: page sent; the post-page message follows.</summary>
    private void OnI(in T30Event e)
    {
        if (e.Kind == EventKind.TransmitComplete)
        {
            SendCommand(T30State.II_Q, MakeFrame(_ppm));
        }
        else
        {
            Otherwise(e);
        }
    }

    /// <summary>II_Q: waiting for the response to MPS/EOM/EOP (T4, three tries).</summary>
    private void OnIIQ(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.TransmitComplete, _):
                AwaitFrames(_timers.T4);
                break;
            case (EventKind.Frame, FrameType.Mcf):
                PageConfirmed(PageOutcome.Confirmed, retrain: false);
                break;
            case (EventKind.Frame, FrameType.Rtp):
                PageConfirmed(PageOutcome.ConfirmedRetrain, retrain: true);
                break;
            case (EventKind.Frame, FrameType.Rtn):
                PageRejected();
                break;
            case (EventKind.Frame, FrameType.Pip):
                ProcedureInterrupt(positive: true);
                break;
            case (EventKind.Frame, FrameType.Pin):
                ProcedureInterrupt(positive: false);
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    private void RecordSentPage(PageOutcome outcome)
    {
        _pages[_pageIndex] = PageResult(_pageIndex, outcome);
        _pageInFlight = false;
    }

    /// <summary>MCF/RTP (or the last PPS confirmed): the page counts as sent; go on as the post-page message said.</summary>
    private void PageConfirmed(PageOutcome outcome, bool retrain)
    {
        RecordSentPage(outcome);
        NextPage(retrain);
    }

    private void NextPage(bool retrain)
    {
        _pageIndex++;
        _pageAttempts = 0;
        _commandTries = 0;
        switch (_ppm)
        {
            case FrameType.Eop:
                Disconnect(HangupReason.Normal);
                break;
            case FrameType.Eom:
                // Back to phase B: the called station sends DIS again; choose a new mode for the next pages.
                _disReceived = 0;
                _lastCommand = null;
                AwaitFramesIn(T30State.T, _timers.T1);
                break;
            default:
                if (retrain)
                {
                    SendDcs();
                }
                else
                {
                    StartPage();
                }

                break;
        }
    }

    /// <summary>RTN: the page was not good enough; apply the RTN policy.</summary>
    private void PageRejected()
    {
        var lower = _dcs!.Rate.NextLower(CommonModems);
        switch (_options.RtnPolicy)
        {
            case RtnPolicy.Retransmit when _pageAttempts < _options.MaxPageAttempts:
                RecordSentPage(PageOutcome.Rejected);
                // Retrain lower (T.30: RTN asks for retraining) and send the same page again.
                _dcs = _dcs with { Rate = lower ?? _dcs.Rate };
                _trainingAtLowest = 0;
                SendDcs();
                break;
            case RtnPolicy.Ignore:
                RecordSentPage(PageOutcome.RejectedIgnored);
                if (_ppm == FrameType.Mps)
                {
                    _dcs = _dcs with { Rate = lower ?? _dcs.Rate };
                }

                NextPage(retrain: true);
                break;
            default:
                RecordSentPage(PageOutcome.Rejected);
                Disconnect(HangupReason.TxPhaseDUnspecified);
                break;
        }
    }

    /// <summary>PIP/PIN: the far end wants an operator; we have none, so the call ends (after the last page: normally).</summary>
    private void ProcedureInterrupt(bool positive)
    {
        RecordSentPage(positive ? PageOutcome.ConfirmedInterrupt : PageOutcome.Rejected);
        Disconnect(positive && _ppm == FrameType.Eop ? HangupReason.Normal : HangupReason.ProcedureInterrupt);
    }

    // ---------------------------------------------------------------- ECM transmit

    /// <summary>IV: sends frames of the current partial page (all of them, or those a PPR asked for), then three RCP.</summary>
    private void SendBlock(IReadOnlyList<int> frameNumbers)
    {
        var block = _blocks[_blockIndex];
        var frames = new List<T30Frame>(frameNumbers.Count + 3);
        foreach (var n in frameNumbers)
        {
            frames.Add(PartialPage.FcdFrame(n, block[n].Span));
        }

        var rcp = PartialPage.RcpFrame();
        frames.Add(rcp);
        frames.Add(rcp);
        frames.Add(rcp);
        TransmitHighSpeed(T30State.IV, new SendEcmBlock(_dcs!.Rate, _shortTraining, frames));
    }

    /// <summary>IV: every frame of the current partial page (its first transmission).</summary>
    private void SendWholeBlock() => SendBlock(Enumerable.Range(0, _blocks[_blockIndex].Count).ToArray());

    private byte PpsFcf2()
    {
        _ppmIsPageEnd = _blockIndex == _blocks.Count - 1;
        return _ppmIsPageEnd ? Fcf.ToRaw(_ppm, _xBit) : (byte)FrameType.Null;
    }

    private void OnIV(in T30Event e)
    {
        if (e.Kind == EventKind.TransmitComplete)
        {
            var fif = PartialPage.PpsFif(PpsFcf2(), _pageIndex, _blockIndex, _blocks[_blockIndex].Count);
            SendCommand(T30State.IV_Pps_Q, MakeFrame(FrameType.Pps, fif));
        }
        else
        {
            Otherwise(e);
        }
    }

    /// <summary>IV: waiting for the response to PPS (T4, three tries).</summary>
    private void OnIVPpsQ(in T30Event e)
    {
        if (e.Kind == EventKind.TransmitComplete)
        {
            AwaitFrames(_timers.T4);
            return;
        }

        if (!HandlePpsResponse(e))
        {
            Otherwise(e);
        }
    }

    /// <summary>MCF/PPR/RNR/PIP/PIN/RTN after PPS (or after RR).</summary>
    private bool HandlePpsResponse(in T30Event e)
    {
        if (e.Kind != EventKind.Frame)
        {
            return false;
        }

        switch (e.Type)
        {
            case FrameType.Mcf:
                BlockConfirmed();
                return true;
            case FrameType.Ppr:
                PartialPageRequest(e.Frame!);
                return true;
            case FrameType.Rnr:
                ReceiverNotReady(T30State.IV_Pps_Rnr);
                return true;
            case FrameType.Pip:
                ProcedureInterrupt(positive: true);
                return true;
            case FrameType.Pin:
                ProcedureInterrupt(positive: false);
                return true;
            case FrameType.Rtn:
                PageRejected();
                return true;
            default:
                return false;
        }
    }

    private void ReceiverNotReady(T30State next)
    {
        // T5 bounds how long we keep asking with RR.
        _t5Deadline ??= _now + _timers.T5;
        if (_now >= _t5Deadline)
        {
            Disconnect(HangupReason.TxPhaseDUnspecified);
            return;
        }

        SendCommand(next, MakeFrame(FrameType.Rr));
    }

    private void BlockConfirmed()
    {
        _t5Deadline = null;
        _pprCount = 0;
        if (_blockIndex < _blocks.Count - 1)
        {
            _blockIndex++;
            SendWholeBlock();
            return;
        }

        PageConfirmed(_eorUsed ? PageOutcome.SentWithErrors : PageOutcome.Confirmed, retrain: false);
    }

    /// <summary>PPR: resend only the flagged frames; after the PPR limit, CTC at a lower rate or EOR at the lowest.</summary>
    private void PartialPageRequest(T30Frame ppr)
    {
        _t5Deadline = null;
        var bad = PprMap.BadFrames(ppr.Fif.Span, _blocks[_blockIndex].Count);
        if (bad.Count == 0)
        {
            // A PPR that flags none of our frames confirms nothing: ask again with PPS.
            RepeatCommand(NoResponseReason());
            return;
        }

        _framesToResend = bad;
        _pprCount++;
        if (_pprCount >= _options.PprLimitBeforeCtcOrEor)
        {
            var lower = _dcs!.Rate.NextLower(CommonModems);
            if (lower is { } rate)
            {
                _ctcRate = rate;
                SendCommand(T30State.IV_Ctc, MakeFrame(FrameType.Ctc, DcsParameters.EncodeCtc(rate)));
            }
            else
            {
                SendCommand(T30State.IV_Eor, MakeFrame(FrameType.Eor, [PpsFcf2()]));
            }

            return;
        }

        _resentFrames += bad.Count;
        SendBlock(bad);
    }

    /// <summary>IV: RR sent after RNR to PPS; RR is answered as the PPS is (MCF/PPR/RNR, T4; T5 overall).</summary>
    private void OnIVPpsRnr(in T30Event e) => OnIVPpsQ(e);

    /// <summary>IV: CTC sent; on CTR resend the outstanding frames at the new rate (with long training).</summary>
    private void OnIVCtc(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.TransmitComplete, _):
                AwaitFrames(_timers.T4);
                break;
            case (EventKind.Frame, FrameType.Ctr):
                _dcs = _dcs! with { Rate = _ctcRate };
                _pprCount = 0;
                _shortTraining = false;
                _resentFrames += _framesToResend.Count;
                SendBlock(_framesToResend);
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    /// <summary>IV: EOR sent (block given up at the lowest rate); ERR ends the block.</summary>
    private void OnIVEor(in T30Event e)
    {
        switch (e.Kind, e.Type)
        {
            case (EventKind.TransmitComplete, _):
                AwaitFrames(_timers.T4);
                break;
            case (EventKind.Frame, FrameType.Err):
                _eorUsed = true;
                BlockConfirmed();
                break;
            case (EventKind.Frame, FrameType.Rnr):
                ReceiverNotReady(T30State.IV_Eor_Rnr);
                break;
            default:
                Otherwise(e);
                break;
        }
    }

    /// <summary>IV: RR sent after RNR to EOR; RR is answered as the EOR is (ERR/RNR, T4; T5 overall).</summary>
    private void OnIVEorRnr(in T30Event e) => OnIVEor(e);
}
