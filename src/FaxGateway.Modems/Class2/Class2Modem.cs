using System.Globalization;
using FaxGateway.Modems.At;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Profiles;

namespace FaxGateway.Modems.Class2;

/// <summary>
/// The Class 2 (SP-2388-A) and Class 2.0 (T.32) driver: the modem runs T.30; the DTE sets capabilities and id,
/// moves page data and reads the reports (typed, see <see cref="Class2Report"/>). The differences between the
/// dialects (command names, page end, XON wait, hangup code base) follow HylaFAX Class2Ersatz/Class20 and efax.
/// </summary>
public sealed class Class2Modem
{
    private const int MaxPageBytes = 32 * 1024 * 1024;
    private readonly ModemConnection _connection;
    private readonly Class2Settings _settings;
    private readonly List<Class2Report> _reports = [];

    /// <summary>Drives <paramref name="connection"/>; the dialect comes from the profile unless given.</summary>
    public Class2Modem(ModemConnection connection, Class2Dialect? dialect = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _settings = connection.Profile.Class2;
        Dialect = dialect ?? _settings.Dialect ?? (connection.Profile.PreferredClass == FaxClass.Class2 ? Class2Dialect.Class2 : Class2Dialect.Class20);
    }

    /// <summary>The command set in use.</summary>
    public Class2Dialect Dialect { get; }

    /// <summary>The connection.</summary>
    public ModemConnection Connection => _connection;

    /// <summary>Every report of the current call, in order.</summary>
    public IReadOnlyList<Class2Report> Reports => _reports;

    /// <summary>The remote's id (CSI when sending, TSI when receiving), once reported.</summary>
    public string? RemoteId => _reports.OfType<Class2RemoteIdReport>().LastOrDefault()?.Id;

    /// <summary>The remote's capabilities (DIS), once reported.</summary>
    public Class2SessionParameters? RemoteCapabilities => LastSession(Class2SessionKind.RemoteCapabilities);

    /// <summary>The negotiated session (DCS), once reported.</summary>
    public Class2SessionParameters? Session => LastSession(Class2SessionKind.Negotiated);

    /// <summary>The hangup report, once the modem ended the session.</summary>
    public Class2HangupStatus? Hangup => _reports.OfType<Class2HangupReport>().LastOrDefault()?.Status;

    private bool IsClass20 => Dialect == Class2Dialect.Class20;

    private TimeSpan CommandTimeout => _connection.Profile.CommandTimeout;

    /// <summary>
    /// Resets the modem and configures the class: +FCLASS, local id (+FLI/+FLID, 20 characters), capabilities
    /// (+FCC/+FDCC), receive enable (+FCR=1), bit order (+FBO/+FBOR), phase C timeout (+FCT/+FPHCTO),
    /// full reporting (+FNR, 2.0), then the profile's extra commands.
    /// </summary>
    public async Task InitializeAsync(string localId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(localId);
        if (localId.Length > 20 || localId.Any(c => c is < ' ' or > '~' or '"'))
        {
            throw new ArgumentException("The local id is at most 20 printable characters without quotes (T.30 CSI/TSI).", nameof(localId));
        }

        var bitOrder = _settings.BitOrder.ToString(CultureInfo.InvariantCulture);
        var timeout = _settings.PhaseCTimeoutS.ToString(CultureInfo.InvariantCulture);
        var commands = IsClass20
            ? new List<string> { "AT+FCLASS=2.0", $"AT+FLI=\"{localId}\"", $"AT+FCC={_settings.Capabilities}", "AT+FCR=1", $"AT+FBO={bitOrder}", $"AT+FCT={timeout}", "AT+FNR=1,1,1,1" }
            : new List<string> { "AT+FCLASS=2", $"AT+FLID=\"{localId}\"", $"AT+FDCC={_settings.Capabilities}", "AT+FCR=1", $"AT+FBOR={bitOrder}", $"AT+FPHCTO={timeout}" };
        commands.AddRange(_settings.InitCommands);
        _connection.SetClassCommands(commands);
        await _connection.InitializeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Dials; on OK the remote's DIS and id are in <see cref="Reports"/>.</summary>
    public Task<Class2CallResult> DialAsync(string number, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(number);
        if (number.Any(c => !(char.IsAsciiDigit(c) || c is '*' or '#' or ',' or 'W' or 'w' or 'P' or 'p' or 'T' or 't' or '@' or '!')))
        {
            throw new ArgumentException($"\"{number}\" is not a dial string.", nameof(number));
        }

        _reports.Clear();
        return CallAsync(_connection.Profile.DialCommand.Replace("{number}", number, StringComparison.Ordinal), _connection.Profile.DialTimeoutMs, cancellationToken);
    }

    /// <summary>Answers; on OK the sender's id and DCS are in <see cref="Reports"/>.</summary>
    public Task<Class2CallResult> AnswerAsync(CancellationToken cancellationToken)
    {
        _reports.Clear();
        return CallAsync(_connection.Profile.AnswerCommand, _connection.Profile.AnswerTimeoutMs, cancellationToken);
    }

    /// <summary>
    /// Sends one page: +FDT, CONNECT, (Class 2: wait for XON), the data, then the page end: Class 2.0
    /// <c>&lt;DLE&gt;</c> + ',' ';' '.', Class 2 <c>&lt;DLE&gt;&lt;ETX&gt;</c> and AT+FET=n. Returns the receiver's answer.
    /// </summary>
    /// <param name="pageData">T.4/T.6 coded page data, MSB-first as held in memory.</param>
    /// <param name="message">What follows the page.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task<Class2PageResult> SendPageAsync(ReadOnlyMemory<byte> pageData, Class2PostPageMessage message, CancellationToken cancellationToken) =>
        SendPageAsync(_ => pageData, message, cancellationToken);

    /// <summary>
    /// Sends one page whose data is coded once the modem has reported the negotiated session (+FCS/+FDCS, in the
    /// answer to +FDT): <paramref name="pageData"/> gets that session (null if the modem reported none) and returns
    /// the page coded for it, MSB-first. The calls layer uses this to re-code pages on the fly (HylaFAX does the same).
    /// </summary>
    public async Task<Class2PageResult> SendPageAsync(Func<Class2SessionParameters?, ReadOnlyMemory<byte>> pageData, Class2PostPageMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pageData);
        _connection.EnsureUsable();
        var lease = await _connection.Channel.AcquireAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            var pageReports = new List<Class2Report>();
            var response = await lease.CommandAsync("AT+FDT", AtCommandKind.TransmitData, TimeSpan.FromSeconds(_settings.PhaseCTimeoutS) + CommandTimeout, cancellationToken).ConfigureAwait(false);
            Collect(response, pageReports);
            if (response.Result != AtResultCode.Connect)
            {
                // The remote refused or dropped the call before phase C: the hangup report says why.
                return new Class2PageResult(Class2PageResponse.Pin, Hangup, pageReports);
            }

            if (_settings.XmitWaitForXon ?? !IsClass20)
            {
                await lease.WaitForXonAsync(TimeSpan.FromSeconds(_settings.PhaseCTimeoutS), cancellationToken).ConfigureAwait(false);
            }

            var data = pageData(Session).ToArray();
            if ((_settings.BitOrder & 1) == 0)
            {
                // +FBO/+FBOR 0: the modem sends each byte LSB first as given, so MSB-first data is reversed here.
                BitOrder.ReverseInPlace(data);
            }

            var stuffed = DleStuffing.Stuff(data);
            const int Block = 4096;
            for (var offset = 0; offset < stuffed.Length; offset += Block)
            {
                await lease.WriteAsync(stuffed.AsMemory(offset, Math.Min(Block, stuffed.Length - offset)), TimeSpan.FromSeconds(_settings.PhaseCTimeoutS), cancellationToken).ConfigureAwait(false);
            }

            var pageDone = TimeSpan.FromMilliseconds(_settings.PageDoneTimeoutMs);
            AtResponse done;
            if (IsClass20)
            {
                var marker = message switch
                {
                    Class2PostPageMessage.Mps or Class2PostPageMessage.PriMps => Dle.PageMps,
                    Class2PostPageMessage.Eom or Class2PostPageMessage.PriEom => Dle.PageEom,
                    _ => Dle.PageEop,
                };
                await lease.WriteDleAsync(marker, CommandTimeout, cancellationToken).ConfigureAwait(false);
                done = await lease.ReadResultAsync("the end of the page", pageDone, cancellationToken).ConfigureAwait(false);
                Collect(done, pageReports);
            }
            else
            {
                await lease.WriteDleAsync(Dle.Etx, CommandTimeout, cancellationToken).ConfigureAwait(false);
                var drained = await lease.ReadResultAsync("the end of the page data", pageDone, cancellationToken).ConfigureAwait(false);
                Collect(drained, pageReports);
                Expect(drained, AtResultCode.Ok, "<DLE><ETX>");
                var command = "AT+FET=" + ((int)message).ToString(CultureInfo.InvariantCulture);
                done = await lease.CommandAsync(command, AtCommandKind.Basic, pageDone, cancellationToken).ConfigureAwait(false);
                Collect(done, pageReports);
            }

            var status = pageReports.OfType<Class2PageStatusReport>().LastOrDefault();
            if (status is null && _settings.QueryPageStatus && done.IsOk)
            {
                var query = await lease.CommandAsync(IsClass20 ? "AT+FPS?" : "AT+FPTS?", AtCommandKind.Basic, CommandTimeout, cancellationToken).ConfigureAwait(false);
                status = ParsePageStatusQuery(query);
            }

            var answer = status?.Response ?? (done.IsOk ? Class2PageResponse.Mcf : Class2PageResponse.Rtn);
            return new Class2PageResult(answer, Hangup, pageReports);
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
    /// Receives the next page: +FDR, CONNECT, the trigger (DC2, or DC1 by profile), the data to <c>&lt;DLE&gt;&lt;ETX&gt;</c>,
    /// then +FPS/+FET and OK. Returns null when the modem answers +FDR with the end of the session (after EOP).
    /// </summary>
    public async Task<Class2ReceivedPage?> ReceivePageAsync(CancellationToken cancellationToken)
    {
        _connection.EnsureUsable();
        var lease = await _connection.Channel.AcquireAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            var pageReports = new List<Class2Report>();
            var phaseC = TimeSpan.FromSeconds(_settings.PhaseCTimeoutS) + CommandTimeout;
            var response = await lease.CommandAsync("AT+FDR", AtCommandKind.ReceiveData, phaseC, cancellationToken).ConfigureAwait(false);
            Collect(response, pageReports);
            if (response.Result != AtResultCode.Connect)
            {
                if (response.IsOk || Hangup is not null)
                {
                    return null;
                }

                throw new ModemException(AtResultTable.ToFailure(response.Result), $"{_connection.Name}: AT+FDR answered {response.ResultText}");
            }

            await lease.WriteAsync(new[] { _settings.ReceiveTrigger == ReceiveTrigger.Dc1 ? Dle.Dc1 : Dle.Dc2 }, CommandTimeout, cancellationToken).ConfigureAwait(false);
            var (data, end) = await lease.ReadAllDataAsync(phaseC, MaxPageBytes, cancellationToken).ConfigureAwait(false);
            if (end != DleEvent.EndOfData)
            {
                throw new ModemException(ModemFailure.Garbage, $"{_connection.Name}: received page data ended with a {end} marker instead of <DLE><ETX>");
            }

            var done = await lease.ReadResultAsync("the end of a received page", TimeSpan.FromMilliseconds(_settings.PageDoneTimeoutMs), cancellationToken).ConfigureAwait(false);
            Collect(done, pageReports);
            Expect(done, AtResultCode.Ok, "a received page");

            // +FBO 0 delivers line order (LSB first); many Rockwell-derived modems reverse whatever +FBO says.
            if (((_settings.BitOrder & 1) == 0) ^ _settings.ReceiveDataReversed)
            {
                BitOrder.ReverseInPlace(data);
            }

            return new Class2ReceivedPage(
                data,
                pageReports.OfType<Class2PageStatusReport>().LastOrDefault(),
                pageReports.OfType<Class2PostPageReport>().LastOrDefault()?.Message,
                Session,
                pageReports);
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
    /// Sets the answer to the page just received (AT+FPS=n in 2.0, AT+FPTS=n in Class 2) before the next +FDR:
    /// <see cref="Class2PageResponse.Rtn"/> rejects it (bad copy quality).
    /// </summary>
    public async Task SetPageResponseAsync(Class2PageResponse response, CancellationToken cancellationToken)
    {
        var command = (IsClass20 ? "AT+FPS=" : "AT+FPTS=") + ((int)response).ToString(CultureInfo.InvariantCulture);
        try
        {
            await _connection.Channel.ExecuteOkAsync(command, CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ModemException ex)
        {
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
    }

    /// <summary>Aborts the session (AT+FKS in 2.0, AT+FK in Class 2).</summary>
    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await _connection.Channel.ExecuteAsync(IsClass20 ? "AT+FKS" : "AT+FK", TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            Collect(response, null);
        }
        catch (ModemException ex)
        {
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
    }

    /// <summary>Hangs up.</summary>
    public Task HangupAsync(CancellationToken cancellationToken) => _connection.HangupAsync(cancellationToken);

    private static void Expect(AtResponse response, AtResultCode expected, string what)
    {
        if (response.Result != expected)
        {
            throw new ModemException(AtResultTable.ToFailure(response.Result), $"{what}: expected {AtResultTable.ToText(expected)}, got {response.ResultText}");
        }
    }

    private Class2PageStatusReport? ParsePageStatusQuery(AtResponse query)
    {
        foreach (var line in query.Lines)
        {
            var text = line.StartsWith("+F", StringComparison.Ordinal) ? line : (IsClass20 ? "+FPS:" : "+FPTS:") + line;
            if (Class2ReportParser.TryParse(text, Dialect, out var report) && report is Class2PageStatusReport status)
            {
                _reports.Add(status);
                return status;
            }
        }

        return null;
    }

    private Class2SessionParameters? LastSession(Class2SessionKind kind) =>
        _reports.OfType<Class2SessionReport>().LastOrDefault(r => r.Kind == kind)?.Parameters;

    private void Collect(AtResponse response, List<Class2Report>? into)
    {
        foreach (var line in response.Lines)
        {
            if (Class2ReportParser.TryParse(line, Dialect, out var report))
            {
                _reports.Add(report);
                into?.Add(report);
            }
        }
    }

    private async Task<Class2CallResult> CallAsync(string command, int timeoutMs, CancellationToken cancellationToken)
    {
        _connection.EnsureUsable();
        try
        {
            var response = await _connection.Channel.ExecuteAsync(command, TimeSpan.FromMilliseconds(timeoutMs), cancellationToken).ConfigureAwait(false);
            Collect(response, null);
            var outcome = CallOutcomes.FromResult(response.Result);
            if (response.Result == AtResultCode.Connect)
            {
                // A Class 2 modem never says CONNECT to ATD/ATA in fax mode: it answered as a data modem.
                outcome = CallOutcome.Error;
            }
            else if (response.IsOk && Hangup is { IsNormal: false })
            {
                outcome = CallOutcome.NoCarrier;
            }
            else if (!response.IsOk && Hangup is not null && outcome == CallOutcome.Error)
            {
                outcome = CallOutcome.NoCarrier;
            }

            return new Class2CallResult(outcome, response.ResultText, [.. _reports]);
        }
        catch (ModemException ex)
        {
            throw await _connection.BreakAsync(ex).ConfigureAwait(false);
        }
    }
}
