using System.Globalization;
using FaxGateway.Modems.At;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Profiles;

namespace FaxGateway.Modems.Class1;

/// <summary>
/// The Class 1 / 1.0 (T.31) driver: the primitives a T.30 engine drives, verified against spandsp's T.31
/// (t31.c, at_interpreter.c). Frames are raw modem bytes; timings and quirks come from the profile. Every failure
/// that leaves the modem in an unknown state goes through <see cref="ModemConnection.BreakAsync(ModemException)"/>.
/// </summary>
public sealed class Class1Modem
{
    private const int MaxHdlcFrame = 512;
    private readonly ModemConnection _connection;
    private readonly Class1Settings _settings;
    private bool _implicitReceive;
    private bool _implicitTransmit;

    /// <summary>Drives <paramref name="connection"/> in Class 1.</summary>
    public Class1Modem(ModemConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _settings = connection.Profile.Class1;
        TransmitCarriers = _settings.Modulations.Select(c => (Class1Carrier)c).ToArray();
        ReceiveCarriers = TransmitCarriers;
    }

    /// <summary>The connection.</summary>
    public ModemConnection Connection => _connection;

    /// <summary>Carriers +FTM offers (from the profile, or asked at <see cref="InitializeAsync"/>).</summary>
    public IReadOnlyList<Class1Carrier> TransmitCarriers { get; private set; }

    /// <summary>Carriers +FRM offers.</summary>
    public IReadOnlyList<Class1Carrier> ReceiveCarriers { get; private set; }

    private AtChannel Channel => _connection.Channel;

    private TimeSpan CommandTimeout => _connection.Profile.CommandTimeout;

    /// <summary>Resets the modem, enters Class 1 (and +FAR=1 when the profile asks), and learns the carriers.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var commands = new List<string> { _settings.ClassCommand };
        if (_settings.AdaptiveReception)
        {
            commands.Add("AT+FAR=1");
        }

        _connection.SetClassCommands(commands);
        await _connection.InitializeAsync(cancellationToken).ConfigureAwait(false);
        _implicitReceive = false;
        _implicitTransmit = false;
        if (TransmitCarriers.Count == 0)
        {
            TransmitCarriers = await QueryCarriersAsync("AT+FTM=?", cancellationToken).ConfigureAwait(false);
            ReceiveCarriers = await QueryCarriersAsync("AT+FRM=?", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Dials. On CONNECT the modem is already receiving V.21 HDLC (T.31 implicit +FRH=3 after ATD): the next
    /// <see cref="ReceiveFrameAsync"/> reads the first frame (CSI/DIS) without a command.
    /// </summary>
    public async Task<Class1CallResult> DialAsync(string number, CancellationToken cancellationToken)
    {
        ValidateNumber(number);
        _connection.EnsureUsable();
        var command = _connection.Profile.DialCommand.Replace("{number}", number, StringComparison.Ordinal);
        return await CallAsync(command, AtCommandKind.ReceiveData, _connection.Profile.DialTimeoutMs, receive: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers. On CONNECT the modem has sent CED and is transmitting V.21 flags (implicit +FTH=3 after ATA): the
    /// next <see cref="SendFramesAsync"/> writes CSI/DIS without a command.
    /// </summary>
    public async Task<Class1CallResult> AnswerAsync(CancellationToken cancellationToken)
    {
        _connection.EnsureUsable();
        return await CallAsync(_connection.Profile.AnswerCommand, AtCommandKind.TransmitData, _connection.Profile.AnswerTimeoutMs, receive: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Receives one V.21 HDLC frame (+FRH=3). Timeout, +FCERROR, NO CARRIER and ERROR are results, not exceptions:
    /// T.30 handles them. A modem that stops talking or sends garbage breaks the line and throws.
    /// </summary>
    public async Task<HdlcReceiveResult> ReceiveFrameAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        _connection.EnsureUsable();
        var wait = timeout ?? TimeSpan.FromMilliseconds(_settings.FrameTimeoutMs);
        var lease = await Channel.AcquireAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            if (_implicitReceive)
            {
                _implicitReceive = false;
            }
            else
            {
                AtResponse response;
                try
                {
                    response = await lease.CommandAsync("AT+FRH=3", AtCommandKind.ReceiveData, wait, cancellationToken).ConfigureAwait(false);
                    if (response.Result == AtResultCode.FcError && _settings.SpuriousFcError)
                    {
                        // Modems with this quirk report +FCERROR for a carrier they then deliver fine: ask once more.
                        response = await lease.CommandAsync("AT+FRH=3", AtCommandKind.ReceiveData, wait, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (ModemException ex) when (ex.Failure == ModemFailure.Timeout && !Channel.InDataMode)
                {
                    await AbortReceiveAsync(lease, cancellationToken).ConfigureAwait(false);
                    return HdlcReceiveResult.Without(HdlcReceiveStatus.Timeout);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !Channel.InDataMode)
                {
                    // The engine gave up waiting (it wants to transmit): abort the receive so the modem is back in
                    // command state before the next command, then report the cancellation.
                    await AbortReceiveAsync(lease, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                switch (response.Result)
                {
                    case AtResultCode.Connect:
                        break;
                    case AtResultCode.FcError:
                        return HdlcReceiveResult.Without(HdlcReceiveStatus.CarrierMismatch);
                    case AtResultCode.NoCarrier:
                        return HdlcReceiveResult.Without(HdlcReceiveStatus.NoCarrier);
                    case AtResultCode.Error:
                        return HdlcReceiveResult.Without(HdlcReceiveStatus.Error);
                    default:
                        throw new ModemException(ModemFailure.UnexpectedResult, $"{Channel.Name}: AT+FRH=3 answered {response.ResultText}");
                }
            }

            var frame = await ReadFrameDataAsync(lease, cancellationToken).ConfigureAwait(false);
            var final = await lease.ReadResultAsync("the end of an HDLC frame", wait + TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            var fcsOk = final.Result switch
            {
                AtResultCode.Ok => true,
                AtResultCode.Error or AtResultCode.NoCarrier => false,
                _ => throw new ModemException(ModemFailure.UnexpectedResult, $"{Channel.Name}: an HDLC frame ended with {final.ResultText}"),
            };
            if (_settings.FramesIncludeFcs && frame.Length >= 2)
            {
                frame = frame[..^2];
            }

            if (frame.Length == 0)
            {
                return HdlcReceiveResult.Without(fcsOk ? HdlcReceiveStatus.Error : HdlcReceiveStatus.NoCarrier);
            }

            return new HdlcReceiveResult(HdlcReceiveStatus.Frame, frame, fcsOk);
        }
        catch (ModemException ex)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends V.21 HDLC frames (+FTH=3): each frame is the raw bytes without FCS (the modem appends it), FF 03 for
    /// all but the last, FF 13 for the last. Returns when the modem has sent the final frame and dropped the carrier.
    /// </summary>
    public async Task SendFramesAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("At least one frame is needed.", nameof(frames));
        }

        for (var i = 0; i < frames.Count; i++)
        {
            var span = frames[i].Span;
            var final = i == frames.Count - 1;
            if (span.Length < 3 || span[0] != 0xFF || (span[1] & 0xEF) != 0x03 || ((span[1] & 0x10) != 0) != final)
            {
                throw new ArgumentException($"Frame {i} must start FF {(final ? "13" : "03")} and carry an FCF.", nameof(frames));
            }
        }

        _connection.EnsureUsable();
        var lease = await Channel.AcquireAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            if (_implicitTransmit)
            {
                _implicitTransmit = false;
            }
            else
            {
                var response = await lease.CommandAsync("AT+FTH=3", AtCommandKind.TransmitData, CommandTimeout, cancellationToken).ConfigureAwait(false);
                Expect(response, AtResultCode.Connect, "AT+FTH=3");
            }

            for (var i = 0; i < frames.Count; i++)
            {
                var frame = frames[i];
                await lease.WriteAsync(DleStuffing.StuffAndTerminate(frame.Span), CommandTimeout, cancellationToken).ConfigureAwait(false);

                // 300 bit/s V.21: the modem answers when the frame (plus flags) is on the line.
                var airtime = TimeSpan.FromSeconds(((frame.Length + 10) * 8 / 300.0) + 1) + CommandTimeout;
                var last = i == frames.Count - 1;
                var response = await lease.ReadResultAsync(last ? "the final HDLC frame" : "an HDLC frame", airtime, cancellationToken).ConfigureAwait(false);
                Expect(response, last ? AtResultCode.Ok : AtResultCode.Connect, "an HDLC frame");
            }
        }
        catch (ModemException ex)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts high-speed transmission (+FTM=code): TCF or page data. Write through the returned transmitter
    /// and complete it; the carrier drops after the last byte.
    /// </summary>
    /// <param name="carrier">Modulation and rate.</param>
    /// <param name="msbFirstData">True when the data is MSB-first (T.4 data as held in memory); it is reversed to line order. False for bytes already in line order (TCF zeros, HDLC-framed ECM data from <see cref="HdlcEncoder"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task<Class1ImageTransmitter> StartImageTransmitAsync(Class1Carrier carrier, bool msbFirstData, CancellationToken cancellationToken)
    {
        _connection.EnsureUsable();
        var lease = await Channel.AcquireAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            var command = "AT+FTM=" + carrier.Code().ToString(CultureInfo.InvariantCulture);
            var response = await lease.CommandAsync(command, AtCommandKind.TransmitData, CommandTimeout + TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            Expect(response, AtResultCode.Connect, command);
            if (_settings.TmConnectDelayMs > 0)
            {
                // Modems that say CONNECT before training has finished lose the first bytes otherwise (Class1TMConnectDelay).
                await Task.Delay(TimeSpan.FromMilliseconds(_settings.TmConnectDelayMs), _connection.Time, cancellationToken).ConfigureAwait(false);
            }

            return new Class1ImageTransmitter(this, lease, carrier, msbFirstData);
        }
        catch (ModemException ex)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts high-speed reception (+FRM=code), retrying +FCERROR as often as the profile says (Class1RMPersistence).
    /// When the status is <see cref="ImageReceiveStatus.Connected"/> the receiver delivers the data.
    /// </summary>
    public async Task<(ImageReceiveStatus Status, Class1ImageReceiver? Receiver)> StartImageReceiveAsync(Class1Carrier carrier, bool msbFirstData, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        _connection.EnsureUsable();
        var wait = timeout ?? TimeSpan.FromMilliseconds(_settings.CarrierTimeoutMs);
        var lease = await Channel.AcquireAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
        var handedOver = false;
        try
        {
            var command = "AT+FRM=" + carrier.Code().ToString(CultureInfo.InvariantCulture);
            for (var attempt = 0; ; attempt++)
            {
                AtResponse response;
                try
                {
                    response = await lease.CommandAsync(command, AtCommandKind.ReceiveData, wait, cancellationToken).ConfigureAwait(false);
                }
                catch (ModemException ex) when (ex.Failure == ModemFailure.Timeout && !Channel.InDataMode)
                {
                    await AbortReceiveAsync(lease, cancellationToken).ConfigureAwait(false);
                    return (ImageReceiveStatus.Timeout, null);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !Channel.InDataMode)
                {
                    await AbortReceiveAsync(lease, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                switch (response.Result)
                {
                    case AtResultCode.Connect:
                        handedOver = true;
                        return (ImageReceiveStatus.Connected, new Class1ImageReceiver(this, lease, carrier, msbFirstData));
                    case AtResultCode.FcError when attempt < _settings.RmPersistence:
                        continue;
                    case AtResultCode.FcError:
                        return (ImageReceiveStatus.CarrierMismatch, null);
                    case AtResultCode.AdaptiveHdlc:
                        return (ImageReceiveStatus.HdlcInstead, null);
                    case AtResultCode.NoCarrier:
                        return (ImageReceiveStatus.NoCarrier, null);
                    case AtResultCode.Error:
                        return (ImageReceiveStatus.Error, null);
                    default:
                        throw new ModemException(ModemFailure.UnexpectedResult, $"{Channel.Name}: {command} answered {response.ResultText}");
                }
            }
        }
        catch (ModemException ex)
        {
            handedOver = false;
            await lease.DisposeAsync().ConfigureAwait(false);
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            if (!handedOver)
            {
                await lease.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// ECM phase C (T.4 Annex A) on the high-speed carrier: the modem only frames V.21, so the frames (FF 03 06 seq
    /// data..., then RCP FF 03 86 three times; raw bytes, no FCS) are HDLC-encoded here with <see cref="HdlcEncoder"/>
    /// (flags, FCS, zero-bit insertion) and sent with +FTM as line-order data.
    /// </summary>
    public async Task SendHdlcOnCarrierAsync(Class1Carrier carrier, IReadOnlyList<ReadOnlyMemory<byte>> frames, int preambleFlags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(preambleFlags, 1);
        var encoder = default(HdlcEncoder);
        var transmitter = await StartImageTransmitAsync(carrier, msbFirstData: false, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[Math.Max(HdlcEncoder.MaxFlagsLength(preambleFlags), HdlcEncoder.MaxFrameLength(frames.Count == 0 ? 0 : frames.Max(f => f.Length)))];
        var n = encoder.WriteFlags(preambleFlags, buffer);
        await transmitter.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
        foreach (var frame in frames)
        {
            n = encoder.WriteFrame(frame.Span, buffer);
            await transmitter.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
        }

        // A few closing flags so the far end sees the last frame end before the carrier drops.
        n = encoder.WriteFlags(2, buffer);
        n += encoder.Flush(buffer.AsSpan(n));
        await transmitter.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
        await transmitter.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Receives ECM phase C frames on the high-speed carrier (+FRM) until the carrier drops, deframing them with
    /// <see cref="HdlcDecoder"/>; frames with a bad FCS are returned marked (the engine builds the PPR map from them).
    /// </summary>
    public async Task<(ImageReceiveStatus Status, IReadOnlyList<HdlcFrame> Frames)> ReceiveHdlcOnCarrierAsync(Class1Carrier carrier, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var (status, receiver) = await StartImageReceiveAsync(carrier, msbFirstData: false, timeout, cancellationToken).ConfigureAwait(false);
        if (receiver is null)
        {
            return (status, []);
        }

        var decoder = new HdlcDecoder();
        var frames = new List<HdlcFrame>();
        await using (receiver.ConfigureAwait(false))
        {
            while (true)
            {
                var chunk = await receiver.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (chunk.IsEmpty)
                {
                    break;
                }

                frames.AddRange(decoder.Decode(chunk.Span));
            }
        }

        return (status, frames);
    }

    /// <summary>+FTS=n: transmit silence for <paramref name="duration"/> (rounded to 10 ms), OK when done.</summary>
    public Task SendSilenceAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        SimpleAsync("AT+FTS=" + TensOfMilliseconds(duration), duration, cancellationToken);

    /// <summary>+FRS=n: wait until the line has been silent for <paramref name="duration"/>, OK when so.</summary>
    public Task WaitForSilenceAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(_settings.SwitchingCommand)
            // A profile without a switching command has a modem whose +FRS is unreliable (iaxmodem can leave it
            // unanswered mid-call): the host waits the silence itself, as HylaFAX does with a delay switching command.
            ? Task.Delay(duration, _connection.Time, cancellationToken)
            : SimpleAsync("AT+FRS=" + TensOfMilliseconds(duration), duration + TimeSpan.FromSeconds(5), cancellationToken);

    /// <summary>The turnaround before transmitting after receiving (T.30 5.3.2.4: 75 ms ±20): the profile's switching command, or a delay.</summary>
    public Task TurnaroundAsync(CancellationToken cancellationToken) => ProfileWaitAsync(_settings.SwitchingCommand, cancellationToken);

    /// <summary>The wait between DCS and TCF (Class1TCFWaitCmd).</summary>
    public Task BeforeTcfAsync(CancellationToken cancellationToken) => ProfileWaitAsync(_settings.TcfWaitCommand, cancellationToken);

    /// <summary>The wait between page data and the post-page message (Class1PPMWaitCmd / Class1EOPWaitCmd).</summary>
    public Task BeforePostPageMessageAsync(bool endOfProcedure, CancellationToken cancellationToken) =>
        ProfileWaitAsync(endOfProcedure ? _settings.EopWaitCommand : _settings.PpmWaitCommand, cancellationToken);

    /// <summary>Hangs up the call.</summary>
    public async Task HangupAsync(CancellationToken cancellationToken)
    {
        _implicitReceive = false;
        _implicitTransmit = false;
        await _connection.HangupAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task CompleteTransmitAsync(AtLease lease, long bytes, Class1Carrier carrier, CancellationToken cancellationToken)
    {
        try
        {
            await lease.WriteDleAsync(Dle.Etx, CommandTimeout, cancellationToken).ConfigureAwait(false);
            var drain = TimeSpan.FromSeconds((bytes * 8.0 / carrier.BitRate()) + 2) + CommandTimeout;
            var response = await lease.ReadResultAsync("the end of high-speed data", drain, cancellationToken).ConfigureAwait(false);
            Expect(response, AtResultCode.Ok, "the end of high-speed data");
        }
        catch (ModemException ex)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
    }

    internal async Task<ModemException> BreakFromAsync(AtLease lease, ModemException ex)
    {
        await lease.DisposeAsync().ConfigureAwait(false);
        return await _connection.BreakAsync(ex).ConfigureAwait(false);
    }

    internal TimeSpan DataTimeout => TimeSpan.FromMilliseconds(_settings.DataTimeoutMs);

    internal async Task AbortReceiveAsync(AtLease lease, CancellationToken cancellationToken)
    {
        // Any character aborts +FRH/+FRM/+FRS; the modem answers OK (HylaFAX Class1RecvAbortOK). A modem that does not
        // answer gets "AT" and must say OK; otherwise the line is broken.
        var inData = Channel.InDataMode;
        if (!inData)
        {
            Channel.ResetToCommandMode();
        }

        await lease.WriteAsync(new byte[] { Dle.Can }, CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (inData)
        {
            // The modem finishes the data with <DLE><ETX> before its OK; what is still buffered is thrown away.
            try
            {
                while (!(await lease.ReadDataAsync(TimeSpan.FromMilliseconds(Math.Max(_settings.RecvAbortOkMs, 100)), cancellationToken).ConfigureAwait(false)).IsEnd)
                {
                }
            }
            catch (ModemException ex) when (ex.Failure == ModemFailure.Timeout)
            {
                Channel.ResetToCommandMode();
            }
        }

        if (_settings.RecvAbortOkMs > 0)
        {
            try
            {
                var response = await lease.ReadResultAsync("the receive abort", TimeSpan.FromMilliseconds(_settings.RecvAbortOkMs), cancellationToken).ConfigureAwait(false);
                if (response.IsOk)
                {
                    return;
                }
            }
            catch (ModemException ex) when (ex.Failure is ModemFailure.Timeout or ModemFailure.Garbage)
            {
                Channel.ResetToCommandMode();
            }
        }

        var check = await lease.CommandAsync("AT", AtCommandKind.Basic, CommandTimeout, cancellationToken).ConfigureAwait(false);
        Expect(check, AtResultCode.Ok, "AT after a receive abort");
    }

    private static void Expect(AtResponse response, AtResultCode expected, string what)
    {
        if (response.Result != expected)
        {
            throw new ModemException(AtResultTable.ToFailure(response.Result), $"{what}: expected {AtResultTable.ToText(expected)}, got {response.ResultText}");
        }
    }

    private static string TensOfMilliseconds(TimeSpan duration)
    {
        var tens = (int)Math.Round(duration.TotalMilliseconds / 10);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tens, 255, nameof(duration));
        ArgumentOutOfRangeException.ThrowIfNegative(tens, nameof(duration));
        return tens.ToString(CultureInfo.InvariantCulture);
    }

    private static void ValidateNumber(string number)
    {
        ArgumentException.ThrowIfNullOrEmpty(number);
        if (number.Any(c => !(char.IsAsciiDigit(c) || c is '*' or '#' or ',' or 'W' or 'w' or 'P' or 'p' or 'T' or 't' or '@' or '!')))
        {
            throw new ArgumentException($"\"{number}\" is not a dial string (digits, * # , W P T @ !).", nameof(number));
        }
    }

    private async Task<Class1CallResult> CallAsync(string command, AtCommandKind kind, int timeoutMs, bool receive, CancellationToken cancellationToken)
    {
        var lease = await Channel.AcquireAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await lease.CommandAsync(command, kind, TimeSpan.FromMilliseconds(timeoutMs), cancellationToken).ConfigureAwait(false);
            var outcome = CallOutcomes.FromResult(response.Result);
            if (response.Result == AtResultCode.Connect)
            {
                _implicitReceive = receive;
                _implicitTransmit = !receive;
            }
            else if (response.Result == AtResultCode.Ok)
            {
                // OK to ATD means a voice dial (trailing ';') or a modem outside Class 1: no fax call.
                outcome = CallOutcome.Error;
            }

            return new Class1CallResult(outcome, response.ResultText);
        }
        catch (ModemException ex)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ReadFrameDataAsync(AtLease lease, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>(64);
        while (true)
        {
            var chunk = await lease.ReadDataAsync(DataTimeout, cancellationToken).ConfigureAwait(false);
            if (chunk.IsEnd)
            {
                if (chunk.Event != DleEvent.EndOfData)
                {
                    throw new ModemException(ModemFailure.Garbage, $"{Channel.Name}: an HDLC frame ended with <DLE>{(char)chunk.Command} instead of <DLE><ETX>");
                }

                return [.. buffer];
            }

            if (chunk.Event == DleEvent.Command)
            {
                // Class1ModemHasDLEBug: a single DLE in V.21 data followed by a data byte; keep both.
                if (!_settings.DleBug)
                {
                    throw new ModemException(ModemFailure.Garbage, $"{Channel.Name}: unexpected <DLE> 0x{chunk.Command:X2} inside an HDLC frame");
                }

                buffer.Add(Dle.Escape);
                buffer.Add(chunk.Command);
                continue;
            }

            buffer.AddRange(chunk.Data.Span);
            if (buffer.Count > MaxHdlcFrame)
            {
                throw new ModemException(ModemFailure.Garbage, $"{Channel.Name}: an HDLC frame longer than {MaxHdlcFrame} bytes");
            }
        }
    }

    private async Task<IReadOnlyList<Class1Carrier>> QueryCarriersAsync(string command, CancellationToken cancellationToken)
    {
        var response = await Channel.ExecuteAsync(command, CommandTimeout, cancellationToken).ConfigureAwait(false);
        return response.IsOk ? Class1Carriers.ParseList(response.Text) : [];
    }

    private async Task ProfileWaitAsync(string command, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(command))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_settings.TurnaroundMs), _connection.Time, cancellationToken).ConfigureAwait(false);
            return;
        }

        await SimpleAsync(command, TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
    }

    private async Task SimpleAsync(string command, TimeSpan extra, CancellationToken cancellationToken)
    {
        _connection.EnsureUsable();
        try
        {
            var response = await Channel.ExecuteAsync(command, CommandTimeout + extra, cancellationToken).ConfigureAwait(false);
            Expect(response, AtResultCode.Ok, command);
        }
        catch (ModemException ex)
        {
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
    }
}
