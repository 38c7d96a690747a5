using System.Collections.Concurrent;
using System.Text;
using FaxGateway.Modems.Framing;
using FaxGateway.Simulator.Line;

namespace FaxGateway.Simulator.Modem;

/// <summary>Call set-up and the T.31 Class 1 primitives: +FTH/+FRH (V.21 HDLC), +FTM/+FRM (high speed), +FTS/+FRS.</summary>
public sealed partial class VirtualModem
{
    /// <summary>How long a demodulator takes to declare carrier loss (T.31 leaves it to the DCE; 10 ms is typical).</summary>
    private const int CarrierLossDetectionMilliseconds = 10;

    private enum WaitResult
    {
        Ready,
        Aborted,
        TimedOut,
    }

    /// <summary>
    /// Waits until <paramref name="ready"/> holds. With <paramref name="abortOnDte"/>, any character from the DTE
    /// aborts the wait and is discarded (T.31: a character during +FRH/+FRM/+FRS aborts it, the modem says OK).
    /// </summary>
    private async Task<WaitResult> WaitForAsync(Func<bool> ready, bool abortOnDte, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deadline = timeout is { } t ? _time.GetUtcNow() + t : (DateTimeOffset?)null;
        while (true)
        {
            var woken = _wake.WaitAsync();
            if (ready())
            {
                return WaitResult.Ready;
            }

            if (abortOnDte && _dte.HasData)
            {
                _dte.Discard();
                return WaitResult.Aborted;
            }

            if (_dte.IsClosed)
            {
                throw new IOException("The DTE closed the port.");
            }

            if (deadline is { } d)
            {
                var remaining = d - _time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    return WaitResult.TimedOut;
                }

                try
                {
                    await woken.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Loop once more: the condition may have become true at the deadline.
                }
            }
            else
            {
                await woken.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task DelayUntilAsync(DateTimeOffset when, CancellationToken cancellationToken)
    {
        var wait = when - _time.GetUtcNow();
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, _time, cancellationToken);
    }

    /// <summary>The call this modem is in, if it is still up; otherwise the result a Class 1 command gets.</summary>
    private VirtualCall? ActiveCall(out ResultCode noCall)
    {
        VirtualCall? call;
        lock (_callLock)
        {
            call = _call;
        }

        noCall = _hadCall ? ResultCode.NoCarrier : ResultCode.Error;
        return call is { HasEnded: false } ? call : null;
    }

    private bool Establish(VirtualCall call)
    {
        lock (_callLock)
        {
            if (call.HasEnded)
            {
                return false;
            }

            _call = call;
            if (_incoming == call)
            {
                _incoming = null;
            }
        }

        _rxCurrent = null;
        _rxImageBytes = 0;
        return true;
    }

    // ---------------------------------------------------------------- call set-up

    private async Task<ResultCode> DialAsync(string dialString, CancellationToken cancellationToken)
    {
        var voice = false;
        var number = new StringBuilder();
        foreach (var c in dialString)
        {
            if (c == ';')
            {
                voice = true;
                break;
            }

            if (char.IsAsciiDigit(c) || c is '*' or '#')
            {
                number.Append(c);
            }
        }

        lock (_callLock)
        {
            if (_call is not null)
            {
                return ResultCode.Error;
            }
        }

        if (Line.NoDialTone)
        {
            return ResultCode.NoDialTone;
        }

        if (number.Length == 0)
        {
            return ResultCode.Error;
        }

        var call = _pstn.Dial(this, number.ToString());
        if (call is null)
        {
            Log.LineEvent(_logger, Number, "dialled unknown number " + number);
            return ResultCode.NoCarrier;
        }

        if (!Establish(call))
        {
            return call.Outcome.IsCompleted && call.Outcome.Result == CallOutcome.Busy ? ResultCode.Busy : ResultCode.NoCarrier;
        }

        var waited = await WaitForAsync(() => call.Outcome.IsCompleted, abortOnDte: true, TimeSpan.FromSeconds(_registers[7]), cancellationToken).ConfigureAwait(false);
        if (waited != WaitResult.Ready)
        {
            // A key pressed while dialling, or no answer within S7 seconds.
            HangUpCurrentCall();
            return ResultCode.NoCarrier;
        }

        switch (call.Outcome.Result)
        {
            case CallOutcome.Answered:
                break;
            case CallOutcome.Busy:
                return ResultCode.Busy;
            case CallOutcome.NoAnswer:
                return ResultCode.NoAnswer;
            default:
                return ResultCode.NoCarrier;
        }

        _hadCall = true;
        if (voice)
        {
            return ResultCode.Ok;
        }

        if (InClass2)
        {
            return await Class2DialAsync(call, cancellationToken).ConfigureAwait(false);
        }

        if (!InClass1)
        {
            // Data mode would need a data modem at the far end: none on a fax line.
            HangUpCurrentCall();
            return ResultCode.NoCarrier;
        }

        // T.31 / spandsp at_call_event: the calling fax modem sends CNG and listens for V.21 (implicit +FRH=3).
        call.Record(this, "CNG");
        return await ReceiveHdlcAsync(call, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ResultCode> AnswerAsync(CancellationToken cancellationToken)
    {
        VirtualCall? call;
        lock (_callLock)
        {
            call = _incoming;
        }

        if (call is null)
        {
            // Not ringing: nothing to answer (what efax meets when it sends ATA too early).
            return ResultCode.Error;
        }

        if (!call.Answer() || !Establish(call))
        {
            return ResultCode.NoCarrier;
        }

        _hadCall = true;
        if (InClass2)
        {
            return await Class2AnswerAsync(call, cancellationToken).ConfigureAwait(false);
        }

        if (!InClass1)
        {
            HangUpCurrentCall();
            return ResultCode.NoCarrier;
        }

        // The answering fax modem sends CED, then V.21 flags with an implicit +FTH=3: the DTE writes CSI/DIS.
        call.Record(this, "CED");
        if (RealTime)
        {
            await Task.Delay(Scaled((_pstn.Options.CedDuration ?? CedDuration) + SilenceAfterCed), _time, cancellationToken).ConfigureAwait(false);
        }

        return await TransmitHdlcAsync(call, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- V.21 HDLC

    private Task<ResultCode> TransmitHdlcCommandAsync(CancellationToken cancellationToken)
    {
        var call = ActiveCall(out var noCall);
        return call is null ? Task.FromResult(noCall) : TransmitHdlcAsync(call, cancellationToken);
    }

    private Task<ResultCode> ReceiveHdlcCommandAsync(CancellationToken cancellationToken)
    {
        var call = ActiveCall(out var noCall);
        return call is null ? Task.FromResult(noCall) : ReceiveHdlcAsync(call, cancellationToken);
    }

    /// <summary>
    /// +FTH=3: CONNECT, then one frame per <c>&lt;DLE&gt;&lt;ETX&gt;</c> from the DTE, FCS added by the modem; CONNECT
    /// again after a non-final frame, OK after the final one (control 0x13) when the carrier is off.
    /// </summary>
    private async Task<ResultCode> TransmitHdlcAsync(VirtualCall call, CancellationToken cancellationToken)
    {
        var transmission = call.StartTransmission(this, FaxModulation.V21);
        var clock = _time.GetUtcNow() + (RealTime ? Scaled(FaxModulation.V21.TrainingTime) : TimeSpan.Zero);
        await WriteResultAsync(ResultCode.Connect, cancellationToken).ConfigureAwait(false);

        var frame = new byte[MaxHdlcFrame];
        var length = 0;
        var overlong = false;
        var scratch = new byte[MaxHdlcFrame * 2];
        var decoder = default(DleDecoder);
        while (true)
        {
            await WaitForAsync(() => _dte.HasData || call.HasEnded, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
            if (!_dte.HasData)
            {
                call.EndTransmission(this, transmission);
                return ResultCode.NoCarrier;
            }

            var input = _dte.Peek();
            var ev = decoder.Decode(input, scratch, out var consumed, out var written);
            _dte.Advance(consumed);
            var room = Math.Min(written, frame.Length - length);
            scratch.AsSpan(0, room).CopyTo(frame.AsSpan(length));
            length += room;
            overlong |= room < written;
            if (ev != DleEvent.EndOfData)
            {
                continue;
            }

            if (length == 0)
            {
                // <DLE><ETX> with no frame: the DTE has nothing more to send; flags stop.
                call.EndTransmission(this, transmission);
                return ResultCode.Ok;
            }

            if (overlong)
            {
                call.EndTransmission(this, transmission);
                return ResultCode.Error;
            }

            var octets = Crc16.AppendFcs(frame.AsSpan(0, length));
            var sent = new V21Frame(octets, true);
            call.Record(this, "V.21 frame " + Convert.ToHexString(frame, 0, length));
            clock = Max(clock, _time.GetUtcNow()) + Scaled(FaxModulation.V21.TimeFor(octets.Length + 1));
            if (RealTime)
            {
                await DelayUntilAsync(clock, cancellationToken).ConfigureAwait(false);
            }

            if (call.HasEnded)
            {
                return ResultCode.NoCarrier;
            }

            if (call.OtherEnd(this).Line.Impair(sent) is { } arriving)
            {
                call.Send(this, transmission, arriving);
            }
            else
            {
                call.Record(this, "(frame lost on the line)");
            }

            if (sent.IsFinal)
            {
                call.EndTransmission(this, transmission);
                return ResultCode.Ok;
            }

            length = 0;
            await WriteResultAsync(ResultCode.Connect, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// +FRH=3 (and the implicit one after ATD): CONNECT when a frame arrives, the frame with its FCS and
    /// <c>&lt;DLE&gt;&lt;ETX&gt;</c>, then OK (good FCS; after a final frame only once the carrier is off) or ERROR.
    /// A high-speed carrier gives +FCERROR; the carrier ending without a frame gives NO CARRIER.
    /// </summary>
    private async Task<ResultCode> ReceiveHdlcAsync(VirtualCall call, CancellationToken cancellationToken)
    {
        var listenFrom = _time.GetUtcNow();
        var inbound = call.InboundOf(this);
        if (_rxCurrent is null)
        {
            var (head, noHead) = await NextCarrierAsync(call, inbound, listenFrom, cancellationToken).ConfigureAwait(false);
            if (head is null)
            {
                return noHead;
            }

            if (!head.IsHdlc)
            {
                DropIfPast(inbound, head);

                return ResultCode.FcError;
            }

            inbound.TryDequeue(out _);
            _rxCurrent = head;
        }

        var carrier = _rxCurrent;
        var got = await WaitForAsync(() => carrier.Frames.Count > 0 || carrier.EndedAt is not null, abortOnDte: true, timeout: null, cancellationToken).ConfigureAwait(false);
        if (got == WaitResult.Aborted)
        {
            return ResultCode.Ok;
        }

        if (!carrier.Frames.TryRead(out var frame))
        {
            _rxCurrent = null;
            return ResultCode.NoCarrier;
        }

        await WriteResultAsync(ResultCode.Connect, cancellationToken).ConfigureAwait(false);
        var frameOut = (_options.Quirks & ModemQuirks.HdlcDleNotDoubled) != 0
            ? frame.Octets
            : DleStuffing.Stuff(frame.Octets, useSub: _doubleEscape == 1);
        await WriteAsync([.. frameOut, Dle.Escape, Dle.Etx], cancellationToken).ConfigureAwait(false);
        if (!frame.FcsValid)
        {
            if (carrier.IsDrained)
            {
                _rxCurrent = null;
            }

            return ResultCode.Error;
        }

        if (frame.IsFinal)
        {
            // spandsp holds the OK after a final frame until the carrier drops.
            var dropped = await WaitForAsync(() => carrier.EndedAt is not null, abortOnDte: true, timeout: null, cancellationToken).ConfigureAwait(false);
            if (dropped == WaitResult.Ready && carrier.IsDrained)
            {
                _rxCurrent = null;
            }
        }

        return ResultCode.Ok;
    }

    /// <summary>
    /// Waits for the next carrier from the far end, left at the head of <paramref name="inbound"/>; in real time the
    /// carriers that were over before <paramref name="listenFrom"/> are passed over (never heard). No carrier, with the
    /// result to give, when a character from the DTE aborts the wait (OK) or the call ends first (NO CARRIER).
    /// </summary>
    private async Task<(Transmission? Head, ResultCode NoHead)> NextCarrierAsync(
        VirtualCall call, ConcurrentQueue<Transmission> inbound, DateTimeOffset listenFrom, CancellationToken cancellationToken)
    {
        while (true)
        {
            var waited = await WaitForAsync(() => !inbound.IsEmpty || call.HasEnded, abortOnDte: true, timeout: null, cancellationToken).ConfigureAwait(false);
            if (waited == WaitResult.Aborted)
            {
                return (null, ResultCode.Ok);
            }

            if (!inbound.TryPeek(out var head))
            {
                return (null, ResultCode.NoCarrier);
            }

            if (!Missed(head, listenFrom))
            {
                return (head, ResultCode.Ok);
            }

            inbound.TryDequeue(out _);
        }
    }

    /// <summary>
    /// After +FCERROR: a carrier that is over is dropped in real time, or in fast mode once a later one follows
    /// (in fast mode every carrier is over at once, and the DTE's retry with the right modulation must still find it).
    /// </summary>
    private void DropIfPast(ConcurrentQueue<Transmission> inbound, Transmission head)
    {
        if (head.EndedAt is not null && (RealTime || inbound.Count > 1))
        {
            inbound.TryDequeue(out _);
        }
    }

    /// <summary>In real time, a carrier that came and went before the receiver listened was never heard.</summary>
    private bool Missed(Transmission head, DateTimeOffset listenFrom) => RealTime && head.EndedAt is { } ended && ended < listenFrom;

    // ---------------------------------------------------------------- high speed

    /// <summary>+FTM=m: CONNECT after training, data until <c>&lt;DLE&gt;&lt;ETX&gt;</c>, paced at the bit rate in real time; OK when drained.</summary>
    private async Task<ResultCode> TransmitHighSpeedAsync(FaxModulation modulation, CancellationToken cancellationToken)
    {
        var call = ActiveCall(out var noCall);
        if (call is null)
        {
            return noCall;
        }

        var transmission = call.StartTransmission(this, modulation);
        var clock = _time.GetUtcNow() + (RealTime ? Scaled(modulation.TrainingTime) : TimeSpan.Zero);
        if (RealTime && (_options.Quirks & ModemQuirks.EarlyTransmitConnect) == 0)
        {
            await DelayUntilAsync(clock, cancellationToken).ConfigureAwait(false);
        }

        await WriteResultAsync(ResultCode.Connect, cancellationToken).ConfigureAwait(false);
        var scratch = new byte[4096];
        var decoder = default(DleDecoder);
        long octets = 0;
        while (true)
        {
            await WaitForAsync(() => _dte.HasData, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
            var ev = decoder.Decode(_dte.Peek(), scratch, out var consumed, out var written);
            _dte.Advance(consumed);
            if (written > 0)
            {
                octets += written;
                if (!call.HasEnded)
                {
                    call.Send(this, transmission, scratch.AsSpan(0, written).ToArray());
                }

                clock = Max(clock, _time.GetUtcNow()) + Scaled(modulation.TimeFor(written));
                if (RealTime && clock - _time.GetUtcNow() > PacingSlack)
                {
                    // Hold the DTE back to line speed: its writes block on the full port buffer meanwhile.
                    await DelayUntilAsync(clock - PacingSlack, cancellationToken).ConfigureAwait(false);
                }
            }

            if (ev == DleEvent.EndOfData)
            {
                if (RealTime)
                {
                    await DelayUntilAsync(clock, cancellationToken).ConfigureAwait(false);
                }

                call.EndTransmission(this, transmission);
                call.Record(this, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{modulation} {octets} octets"));
                return call.HasEnded ? ResultCode.NoCarrier : ResultCode.Ok;
            }
        }
    }

    /// <summary>
    /// +FRM=m: CONNECT once trained on a carrier of that modulation, the data DLE-doubled, and on carrier loss
    /// <c>&lt;DLE&gt;&lt;ETX&gt;</c> then NO CARRIER. V.21 flags or another modulation give +FCERROR (with +FAR=1,
    /// V.21 gives <c>+FRH:3</c> and the frames instead).
    /// </summary>
    private async Task<ResultCode> ReceiveHighSpeedAsync(FaxModulation modulation, CancellationToken cancellationToken)
    {
        var call = ActiveCall(out var noCall);
        if (call is null)
        {
            return noCall;
        }

        var listenFrom = _time.GetUtcNow();
        var inbound = call.InboundOf(this);
        if (_rxCurrent is { IsHdlc: true } partly && !partly.IsDrained)
        {
            // Still inside a V.21 carrier.
            return await WrongCarrierAsync(call, cancellationToken).ConfigureAwait(false);
        }

        _rxCurrent = null;
        var (head, noHead) = await NextCarrierAsync(call, inbound, listenFrom, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return noHead;
        }

        if (head.IsHdlc)
        {
            return await WrongCarrierAsync(call, cancellationToken).ConfigureAwait(false);
        }

        if (!head.Modulation.CanBeReceivedBy(modulation))
        {
            DropIfPast(inbound, head);
            call.Record(this, $"+FRM={modulation.Code} heard {head.Modulation}: +FCERROR");
            return ResultCode.FcError;
        }

        inbound.TryDequeue(out _);
        Transmission carrier = head;

        if (RealTime)
        {
            await DelayUntilAsync(carrier.StartedAt + Scaled(carrier.Modulation.TrainingTime), cancellationToken).ConfigureAwait(false);
        }

        await WriteResultAsync(ResultCode.Connect, cancellationToken).ConfigureAwait(false);
        var stuffed = new byte[DleStuffing.MaxStuffedLength(4096)];
        while (true)
        {
            var waited = await WaitForAsync(() => carrier.Data.Count > 0 || carrier.EndedAt is not null, abortOnDte: true, timeout: null, cancellationToken).ConfigureAwait(false);
            if (waited == WaitResult.Aborted)
            {
                await WriteAsync([Dle.Escape, Dle.Etx], cancellationToken).ConfigureAwait(false);
                return ResultCode.Ok;
            }

            while (carrier.Data.TryRead(out var chunk))
            {
                var data = chunk.ToArray();
                Line.Impair(data);
                _rxImageBytes += data.Length;
                for (var offset = 0; offset < data.Length; offset += 4096)
                {
                    var part = data.AsSpan(offset, Math.Min(4096, data.Length - offset));
                    // +FDD=1: a pair of data DLEs goes to the DTE as <DLE><SUB> (T.31 double escape).
                    var n = DleStuffing.Stuff(part, stuffed, useSub: _doubleEscape == 1);
                    await WriteAsync(stuffed.AsSpan(0, n).ToArray(), cancellationToken).ConfigureAwait(false);
                }

                if (Line.HangUpAfterReceivedImageBytes is { } limit && _rxImageBytes >= limit)
                {
                    call.Record(this, "hangs up mid-page (fault)");
                    call.HangUp(this);
                }
            }

            if (carrier.EndedAt is not null && carrier.Data.Count == 0)
            {
                // A demodulator needs a few milliseconds to notice the carrier has gone and delivers what it decoded
                // meanwhile (zeros here, fill to a T.4 decoder). DTEs rely on it: efax only sees the RTC when bits
                // follow it, and real modems always give some.
                var tail = new byte[Math.Max(4, modulation.BitRate * CarrierLossDetectionMilliseconds / 8000) + 2];
                tail[^2] = Dle.Escape;
                tail[^1] = Dle.Etx;
                await WriteAsync(tail, cancellationToken).ConfigureAwait(false);
                return ResultCode.NoCarrier;
            }
        }
    }

    private async Task<ResultCode> WrongCarrierAsync(VirtualCall call, CancellationToken cancellationToken)
    {
        if (_adaptiveReception == 0)
        {
            return ResultCode.FcError;
        }

        // +FAR=1: the modem switches to V.21 by itself and says so.
        await WriteInfoAsync("+FRH:3", cancellationToken).ConfigureAwait(false);
        return await ReceiveHdlcAsync(call, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- silence

    /// <summary>+FTS=n: n×10 ms of silence on the line (only real time takes it).</summary>
    private async Task<ResultCode> TransmitSilenceAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        if (RealTime)
        {
            await Task.Delay(Scaled(duration), _time, cancellationToken).ConfigureAwait(false);
        }

        return ResultCode.Ok;
    }

    /// <summary>+FRS=n: OK once n×10 ms of silence have been heard; a character from the DTE aborts it.</summary>
    private async Task<ResultCode> ReceiveSilenceAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        if (!RealTime)
        {
            _dte.Discard();
            return ResultCode.Ok;
        }

        var call = ActiveCall(out _);
        while (true)
        {
            var quiet = await WaitForAsync(() => !CarrierOn(call), abortOnDte: true, timeout: null, cancellationToken).ConfigureAwait(false);
            if (quiet == WaitResult.Aborted)
            {
                return ResultCode.Ok;
            }

            var heard = await WaitForAsync(() => CarrierOn(call), abortOnDte: true, Scaled(duration), cancellationToken).ConfigureAwait(false);
            if (heard != WaitResult.Ready)
            {
                return ResultCode.Ok;
            }
        }
    }

    private bool CarrierOn(VirtualCall? call)
    {
        if (call is null || call.HasEnded)
        {
            return false;
        }

        if (_rxCurrent is { EndedAt: null })
        {
            return true;
        }

        foreach (var t in call.InboundOf(this))
        {
            if (t.EndedAt is null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A line duration in this exchange's time: divided by <see cref="PstnOptions.Speedup"/>.</summary>
    private TimeSpan Scaled(TimeSpan duration) => duration / _pstn.Options.Speedup;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
