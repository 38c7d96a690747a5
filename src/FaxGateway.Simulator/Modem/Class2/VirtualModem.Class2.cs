using System.Globalization;
using FaxGateway.Modems.Framing;
using FaxGateway.Protocol.Session;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem.Class2;

namespace FaxGateway.Simulator.Modem;

/// <summary>
/// Class 2 (SP-2388-A) and Class 2.0 (T.32): the modem runs T.30 itself (<see cref="Class2Call"/>) and the DTE
/// speaks in pages: ATD/ATA with +FCO/+FCI/+FIS reports, +FDT with page data up to <c>&lt;DLE&gt;</c> + ',' ';' '.'
/// (2.0) or <c>&lt;DLE&gt;&lt;ETX&gt;</c> and AT+FET=n (Class 2, after XON), +FDR with DC2 (or DC1) and the page
/// data DLE-stuffed, +FPS/+FET reports, +FHS (2.0, hex) or +FHNG (Class 2, decimal) at the end.
/// </summary>
public sealed partial class VirtualModem
{
    private Class2Settings? _class2;
    private Class2Call? _class2Call;
    private byte[]? _class2PendingPage;

    private bool InClass2 => _faxClass is "2" or "2.0";

    private bool Is20 => _faxClass == "2.0";

    internal TimeProvider Clock => _time;

    internal bool IsRealTime => RealTime;

    internal WakeSignal WakeUp => _wake;

    internal TimeSpan Scale(TimeSpan duration) => Scaled(duration);

    private bool OffersClass(string value) => _options.FaxClasses.Split(',').Contains(value);

    private void SelectClass(string value)
    {
        _faxClass = value;
        _class2 = value is "2" or "2.0" ? new Class2Settings(value == "2.0") : null;
        _class2Call = null;
        _class2PendingPage = null;
    }

    // ---------------------------------------------------------------- commands

    /// <summary>The Class 2 / 2.0 command set; names of both dialects are accepted in their own class only.</summary>
    private (ResultCode Result, Func<CancellationToken, Task<ResultCode>>? Action) Class2Command(
        string name, string value, int? number, bool isTest, bool isQuery, bool isSet, List<string> infos)
    {
        var settings = _class2!;
        var is20 = settings.Is20;
        string N(string class20, string class2) => is20 ? class20 : class2;

        if (name == N("FLI", "FLID") || name == N("FPI", "FCIG"))
        {
            var isLocal = name == N("FLI", "FLID");
            if (isTest)
            {
                infos.Add("(20),(32-127)");
                return (ResultCode.Ok, null);
            }

            if (isQuery)
            {
                infos.Add("\"" + (isLocal ? settings.LocalId : settings.PollingId) + "\"");
                return (ResultCode.Ok, null);
            }

            var id = value.Trim('"');
            if (!isSet || id.Length > 20 || id.Any(c => c is < ' ' or > '~'))
            {
                return (ResultCode.Error, null);
            }

            if (isLocal)
            {
                settings.LocalId = id;
            }
            else
            {
                settings.PollingId = id;
            }

            return (ResultCode.Ok, null);
        }

        if (name == N("FCC", "FDCC") || name == N("FIS", "FDIS"))
        {
            var target = name == N("FCC", "FDCC") ? settings.Capabilities : settings.Session;
            if (isTest)
            {
                infos.Add(settings.Range);
                return (ResultCode.Ok, null);
            }

            if (isQuery)
            {
                infos.Add(name == N("FCC", "FDCC") ? settings.CapabilitiesText : settings.SessionText);
                return (ResultCode.Ok, null);
            }

            return (isSet && settings.TrySet(target, value) ? ResultCode.Ok : ResultCode.Error, null);
        }

        if (name == N("FBO", "FBOR"))
        {
            return Class2Setting(settings.BitOrder, v => settings.BitOrder = v, 3, isTest, isQuery, number, isSet, infos);
        }

        if (name == N("FCT", "FPHCTO"))
        {
            return Class2Setting(settings.PhaseCTimeout, v => settings.PhaseCTimeout = v, 255, isTest, isQuery, number, isSet, infos);
        }

        if (name == N("FMS", "FMINSP"))
        {
            return Class2Setting(settings.MinimumSpeed, v => settings.MinimumSpeed = v, 13, isTest, isQuery, number, isSet, infos);
        }

        if (name == N("FBU", "FBUG"))
        {
            return Class2Setting(settings.Debug, v => settings.Debug = v, 1, isTest, isQuery, number, isSet, infos);
        }

        if (name == N("FSP", "FSPL"))
        {
            return Class2Setting(settings.Polling, v => settings.Polling = v, 1, isTest, isQuery, number, isSet, infos);
        }

        if (name == N("FPS", "FPTS"))
        {
            if (isQuery)
            {
                var call = _class2Call;
                var last = call is null ? Class2PostPageResponse.Mcf : call.PageResponses.LastOrDefault(Class2PostPageResponse.Mcf);
                infos.Add(((int)last).ToString(CultureInfo.InvariantCulture));
                return (ResultCode.Ok, null);
            }

            if (isTest)
            {
                infos.Add("(1-5)");
                return (ResultCode.Ok, null);
            }

            if (isSet && number is >= 1 and <= 5)
            {
                if (_class2Call is { } call)
                {
                    call.PageVerdict = number.Value;
                }

                return (ResultCode.Ok, null);
            }

            return (ResultCode.Error, null);
        }

        switch (name)
        {
            case "FIP" when is20 && !isQuery && !isTest:
                // T.32 +FIP: initialise the Class 2.0 parameters to their defaults.
                _class2 = new Class2Settings(is20: true);
                return (ResultCode.Ok, null);
            case "FCR":
                return Class2Setting(settings.ReceiveEnabled, v => settings.ReceiveEnabled = v, 1, isTest, isQuery, number, isSet, infos);
            case "FLO" when is20:
                return Class2Setting(settings.FlowControl, v => settings.FlowControl = v, 2, isTest, isQuery, number, isSet, infos);
            case "FNR" when is20:
                if (isTest)
                {
                    infos.Add("(0,1),(0,1),(0,1),(0,1)");
                    return (ResultCode.Ok, null);
                }

                if (isQuery)
                {
                    infos.Add(string.Join(',', settings.Reporting));
                    return (ResultCode.Ok, null);
                }

                return (isSet && SetList(settings.Reporting, value, 1) ? ResultCode.Ok : ResultCode.Error, null);
            case "FCQ":
                if (isTest)
                {
                    infos.Add("(0-2),(0-2)");
                    return (ResultCode.Ok, null);
                }

                if (isQuery)
                {
                    infos.Add(string.Join(',', settings.CopyQuality));
                    return (ResultCode.Ok, null);
                }

                return (isSet && SetList(settings.CopyQuality, value, 2) ? ResultCode.Ok : ResultCode.Error, null);
            case "FBS" when isQuery:
                // Buffer sizes (T.32 +FBS?: transmit, receive): what the DTE may stream ahead.
                infos.Add(is20 ? "800,800" : "800");
                return (ResultCode.Ok, null);
            case "FAA" or "FAP" or "FIE" or "FPP" or "FRQ" or "FEA" or "FIT" or "FAR" or "FCL" or "FPR" or "FRY" or "FBADLIN" or "FBADMUL" or "FECM" or "FTBC" or "FREL" or "FCTCRTY" or "FVRFC" or "FWDFC" or "FLNFC":
                // Settings the virtual line has no use for (answer mode, addressing, error thresholds): accepted.
                if (isTest)
                {
                    infos.Add("(0-255)");
                }
                else if (isQuery)
                {
                    infos.Add("0");
                }

                return (ResultCode.Ok, null);
            case "FDT" when !isQuery && !isTest && value.Length == 0:
                return (ResultCode.Ok, Class2TransmitAsync);
            case "FDR" when !isQuery && !isTest:
                return (ResultCode.Ok, Class2ReceiveAsync);
            case "FET" when !is20 && isSet && number is >= 0 and <= 6:
                var message = number.Value switch { 0 or 4 => Class2PostPage.Mps, 1 or 5 => Class2PostPage.Eom, _ => Class2PostPage.Eop };
                return (ResultCode.Ok, ct => Class2EndOfPageAsync(message, ct));
            case "FKS" when is20 && !isQuery && !isTest:
            case "FK" when !is20 && !isQuery && !isTest:
                return (ResultCode.Ok, Class2AbortAsync);
            default:
                return (ResultCode.Error, null);
        }
    }

    private static (ResultCode, Func<CancellationToken, Task<ResultCode>>?) Class2Setting(
        int current, Action<int> set, int max, bool isTest, bool isQuery, int? number, bool isSet, List<string> infos)
    {
        if (isTest)
        {
            infos.Add(string.Create(CultureInfo.InvariantCulture, $"(0-{max})"));
            return (ResultCode.Ok, null);
        }

        if (isQuery)
        {
            infos.Add(current.ToString(CultureInfo.InvariantCulture));
            return (ResultCode.Ok, null);
        }

        if (isSet && number is { } v && v <= max)
        {
            set(v);
            return (ResultCode.Ok, null);
        }

        return (ResultCode.Error, null);
    }

    private static bool SetList(int[] target, string value, int max)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > target.Length)
        {
            return false;
        }

        var parsed = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] > max)
            {
                return false;
            }
        }

        parsed.CopyTo(target, 0);
        return true;
    }

    // ---------------------------------------------------------------- call set-up

    /// <summary>ATD in Class 2/2.0: CNG, then the modem's T.30 waits for DIS: +FCO, +FCI, +FIS, OK.</summary>
    private Task<ResultCode> Class2DialAsync(VirtualCall call, CancellationToken cancellationToken)
    {
        call.Record(this, "CNG");
        return Class2StartAsync(call, CallRole.Caller, cancellationToken);
    }

    /// <summary>ATA in Class 2/2.0: CED, CSI/DIS from the modem's T.30, then +FCO, +FTI, +FCS, OK once DCS arrived.</summary>
    private async Task<ResultCode> Class2AnswerAsync(VirtualCall call, CancellationToken cancellationToken)
    {
        call.Record(this, "CED");
        if (RealTime)
        {
            await Task.Delay(Scaled((_pstn.Options.CedDuration ?? CedDuration) + SilenceAfterCed), _time, cancellationToken).ConfigureAwait(false);
        }

        return await Class2StartAsync(call, CallRole.Answerer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ResultCode> Class2StartAsync(VirtualCall call, CallRole role, CancellationToken cancellationToken)
    {
        var session = new Class2Call(this, call, _class2!, role);
        _class2Call = session;
        _class2PendingPage = null;
        _ = Task.Run(() => session.RunAsync(cancellationToken), cancellationToken);
        await WaitForAsync(() => session.Connected || session.Finished, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
        await WriteClass2ReportsAsync(session, cancellationToken).ConfigureAwait(false);
        if (session.Connected)
        {
            return ResultCode.Ok;
        }

        await WriteHangupReportAsync(session, cancellationToken).ConfigureAwait(false);
        return ResultCode.NoCarrier;
    }

    // ---------------------------------------------------------------- sending

    /// <summary>
    /// AT+FDT: once the session can take the page (CFR, or the answer to MPS): +FCS, CONNECT (Class 2: XON), then the
    /// page data up to its marker (2.0) or <c>&lt;DLE&gt;&lt;ETX&gt;</c> (Class 2, whose AT+FET follows).
    /// </summary>
    private async Task<ResultCode> Class2TransmitAsync(CancellationToken cancellationToken)
    {
        if (_class2Call is not { } session)
        {
            return ResultCode.Error;
        }

        var index = session.PagesQueued;
        session.RequestTransmit();
        await WaitForAsync(() => session.PageWanted >= index || session.Finished, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
        await WriteClass2ReportsAsync(session, cancellationToken).ConfigureAwait(false);
        if (session.PageWanted < index)
        {
            await WriteHangupReportAsync(session, cancellationToken).ConfigureAwait(false);
            return ResultCode.Error;
        }

        if (session.Mode is { } mode)
        {
            await WriteInfoAsync((Is20 ? "+FCS:" : "+FDCS:") + Class2Settings.Format(mode, Is20), cancellationToken).ConfigureAwait(false);
        }

        await WriteResultAsync(ResultCode.Connect, cancellationToken).ConfigureAwait(false);
        if (!Is20)
        {
            // SP-2388-A: the DTE waits for XON before it sends page data.
            await WriteAsync([Dle.Dc1], cancellationToken).ConfigureAwait(false);
        }

        var page = new MemoryStream();
        var scratch = new byte[4096];
        var decoder = default(DleDecoder);
        while (true)
        {
            await WaitForAsync(() => _dte.HasData, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
            var ev = decoder.Decode(_dte.Peek(), scratch, out var consumed, out var written);
            _dte.Advance(consumed);
            page.Write(scratch, 0, written);
            Class2PostPage message;
            switch (ev)
            {
                case DleEvent.None:
                    continue;
                case DleEvent.Command when decoder.LastCommand == Dle.Can:
                    return await Class2AbortAsync(cancellationToken).ConfigureAwait(false);
                case DleEvent.Command:
                    continue;
                case DleEvent.EndOfData when !Is20:
                    _class2PendingPage = LineOrder(page.ToArray());
                    return ResultCode.Ok;
                case DleEvent.PageMps when Is20:
                    message = Class2PostPage.Mps;
                    break;
                case DleEvent.PageEom when Is20:
                    message = Class2PostPage.Eom;
                    break;
                case DleEvent.PageEop or DleEvent.EndOfData when Is20:
                    message = Class2PostPage.Eop;
                    break;
                default:
                    // A Class 2.0 page marker in Class 2 is data.
                    page.WriteByte(Dle.Escape);
                    page.WriteByte(decoder.LastCommand);
                    continue;
            }

            session.AddPage(LineOrder(page.ToArray()), message);
            return await Class2PageResultAsync(session, index, message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Class 2 AT+FET=n after the page data: the post-page message, then the remote's answer.</summary>
    private Task<ResultCode> Class2EndOfPageAsync(Class2PostPage message, CancellationToken cancellationToken)
    {
        if (_class2Call is not { } session || _class2PendingPage is not { } data)
        {
            return Task.FromResult(ResultCode.Error);
        }

        _class2PendingPage = null;
        var index = session.PagesQueued;
        session.AddPage(data, message);
        return Class2PageResultAsync(session, index, message, cancellationToken);
    }

    /// <summary>+FPS:n (+FPTS:n) with the remote's answer; after EOP the hangup report; OK for MCF/RTP/PIP, else ERROR.</summary>
    private async Task<ResultCode> Class2PageResultAsync(Class2Call session, int index, Class2PostPage message, CancellationToken cancellationToken)
    {
        await WaitForAsync(() => session.PageResponses.Count > index || session.Finished, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
        await WriteClass2ReportsAsync(session, cancellationToken).ConfigureAwait(false);
        if (session.PageResponses.Count <= index)
        {
            await WriteHangupReportAsync(session, cancellationToken).ConfigureAwait(false);
            return ResultCode.Error;
        }

        var response = session.PageResponses.ElementAt(index);
        await WriteInfoAsync((Is20 ? "+FPS:" : "+FPTS:") + ((int)response).ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        if (message == Class2PostPage.Eop || response is Class2PostPageResponse.Pin or Class2PostPageResponse.Pip)
        {
            await WaitForAsync(() => session.Finished, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
            await WriteHangupReportAsync(session, cancellationToken).ConfigureAwait(false);
        }

        return response is Class2PostPageResponse.Mcf or Class2PostPageResponse.Rtp or Class2PostPageResponse.Pip ? ResultCode.Ok : ResultCode.Error;
    }

    // ---------------------------------------------------------------- receiving

    /// <summary>
    /// AT+FDR: CONNECT when the next page starts, the trigger (DC2, or DC1 by setting) from the DTE, the page data
    /// DLE-stuffed, <c>&lt;DLE&gt;&lt;ETX&gt;</c> at the post-page message, +FPS, +FET, OK. After the last page: the
    /// hangup report and OK. This +FDR also releases the answer to the previous page (the DTE's +FPS verdict).
    /// </summary>
    private async Task<ResultCode> Class2ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_class2Call is not { } session || session.Received is not { } received)
        {
            return ResultCode.Error;
        }

        var index = session.ReceiveRequests;
        session.RequestReceive();
        await WaitForAsync(() => received.Page(index) is not null || session.Finished, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
        await WriteClass2ReportsAsync(session, cancellationToken).ConfigureAwait(false);
        if (received.Page(index) is not { } page)
        {
            await WriteHangupReportAsync(session, cancellationToken).ConfigureAwait(false);
            return session.HangupStatus == HangupReason.Normal ? ResultCode.Ok : ResultCode.Error;
        }

        await WriteResultAsync(ResultCode.Connect, cancellationToken).ConfigureAwait(false);
        var trigger = _options.Class2DataTrigger;
        while (true)
        {
            await WaitForAsync(() => _dte.HasData || session.Finished, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
            if (_dte.TryReadByte(out var b))
            {
                if (b == trigger)
                {
                    break;
                }

                continue;
            }

            if (session.Finished)
            {
                await WriteHangupReportAsync(session, cancellationToken).ConfigureAwait(false);
                return ResultCode.Error;
            }
        }

        var reverse = (_class2!.BitOrder & 1) != 0;
        while (true)
        {
            await WaitForAsync(() => !page.Chunks.IsEmpty || page.Ended || session.Finished, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
            while (page.Chunks.TryDequeue(out var chunk))
            {
                if (reverse)
                {
                    BitOrder.ReverseInPlace(chunk);
                }

                await WriteAsync(DleStuffing.Stuff(chunk), cancellationToken).ConfigureAwait(false);
            }

            if (page.Ended && page.Chunks.IsEmpty)
            {
                break;
            }

            if (session.Finished && page.Chunks.IsEmpty)
            {
                await WriteAsync([Dle.Escape, Dle.Etx], cancellationToken).ConfigureAwait(false);
                await WriteHangupReportAsync(session, cancellationToken).ConfigureAwait(false);
                return ResultCode.Error;
            }
        }

        await WriteAsync([Dle.Escape, Dle.Etx], cancellationToken).ConfigureAwait(false);

        // The modem's own copy-quality report is neutral (the DTE checks the page and answers with +FPS=n).
        await WriteInfoAsync(Is20 ? "+FPS:1,0,0,0,0" : "+FPTS:1,0,0,0", cancellationToken).ConfigureAwait(false);
        await WriteInfoAsync("+FET:" + ((int)page.Message).ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return ResultCode.Ok;
    }

    // ---------------------------------------------------------------- end

    /// <summary>AT+FKS / AT+FK (or CAN during data): the session is aborted, the call hung up, +FHS:02.</summary>
    private async Task<ResultCode> Class2AbortAsync(CancellationToken cancellationToken)
    {
        var session = _class2Call;
        HangUpCurrentCall();
        if (session is not null)
        {
            await WaitForAsync(() => session.Finished, abortOnDte: false, timeout: null, cancellationToken).ConfigureAwait(false);
            await WriteInfoAsync(Is20 ? "+FHS:02" : "+FHNG:2", cancellationToken).ConfigureAwait(false);
        }

        _class2Call = null;
        return ResultCode.Ok;
    }

    private byte[] LineOrder(byte[] data)
    {
        // +FBO/+FBOR bit 0: the DTE's phase C bytes are MSB first; the line takes LSB first.
        if ((_class2!.BitOrder & 1) != 0)
        {
            BitOrder.ReverseInPlace(data);
        }

        return data;
    }

    private async Task WriteClass2ReportsAsync(Class2Call session, CancellationToken cancellationToken)
    {
        while (session.Reports.TryDequeue(out var report))
        {
            await WriteInfoAsync(report, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task WriteHangupReportAsync(Class2Call session, CancellationToken cancellationToken) =>
        WriteInfoAsync(
            Is20 ? "+FHS:" + session.HangupStatus.ToFhs().ToString("X2", CultureInfo.InvariantCulture) : "+FHNG:" + session.HangupStatus.ToFhng().ToString(CultureInfo.InvariantCulture),
            cancellationToken);
}
