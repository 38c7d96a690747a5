using FaxGateway.Modems.Class2;
using FaxGateway.Simulator.Line;

namespace FaxGateway.Simulator.Tests;

/// <summary>AT dialogues with the Class 2 (SP-2388-A) and Class 2.0 (T.32) virtual modems; reports parsed by the Modems layer's parser.</summary>
public sealed class Class2AtTests : IAsyncLifetime
{
    private readonly VirtualPstn _pstn = new(new PstnOptions { RingInterval = TimeSpan.FromMilliseconds(20) });
    private DtePort _a = null!;
    private DtePort _b = null!;

    public async Task InitializeAsync()
    {
        _a = new DtePort(_pstn.AddModem(new Modem.VirtualModemOptions { FaxClasses = "0,1,1.0,2,2.0" }).OpenPort());
        _b = new DtePort(_pstn.AddModem(new Modem.VirtualModemOptions { FaxClasses = "0,1,1.0,2,2.0" }).OpenPort());
        await _a.CommandAsync("ATE0");
        await _b.CommandAsync("ATE0");
        await _b.CommandAsync("AT+VCID=0");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _pstn.DisposeAsync();
    }

    private static List<Class2Report> Parse(string text, Class2Dialect dialect)
    {
        var reports = new List<Class2Report>();
        foreach (var line in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(Class2ReportParser.TryParse(line, dialect, out var report), "not a report: " + line);
            reports.Add(report);
        }

        return reports;
    }

    [Fact]
    public async Task Class20_capabilities_local_id_bit_order_and_class_specific_names()
    {
        Assert.Equal("\r\n0,1,1.0,2,2.0\r\n", await _a.CommandAsync("AT+FCLASS=?"));
        await _a.CommandAsync("AT+FCLASS=2.0");
        Assert.Equal("\r\n2.0\r\n", await _a.CommandAsync("AT+FCLASS?"));
        Assert.StartsWith("\r\n(00-7F),(00-0D)", await _a.CommandAsync("AT+FCC=?"), StringComparison.Ordinal);
        await _a.CommandAsync("AT+FCC=1,3,0,2,0,0,0,0");
        Assert.Equal("\r\n1,3,0,2,0,0,0,0\r\n", await _a.CommandAsync("AT+FCC?"));
        await _a.CommandAsync("AT+FLI=\"+1 555 0100\"");
        Assert.Equal("\r\n\"+1 555 0100\"\r\n", await _a.CommandAsync("AT+FLI?"));
        await _a.CommandAsync("AT+FLI=\"123456789012345678901\"", "ERROR");
        await _a.CommandAsync("AT+FBO=1");
        Assert.Equal("\r\n1\r\n", await _a.CommandAsync("AT+FBO?"));
        await _a.CommandAsync("AT+FNR=1,1,1,1");
        await _a.CommandAsync("AT+FLO=2");
        await _a.CommandAsync("AT+FCR=1");
        await _a.CommandAsync("AT+FCT=30");
        await _a.CommandAsync("AT+FCQ=1,0");
        await _a.CommandAsync("AT+FDCC=1,5,0,2,0,0,0,0", "ERROR");
        await _a.CommandAsync("AT+FTM=?", "ERROR");

        await _b.CommandAsync("AT+FCLASS=2");
        await _b.CommandAsync("AT+FDCC=1,5,0,2,1,0,0,0");
        Assert.Equal("\r\n1,5,0,2,1,0,0,0\r\n", await _b.CommandAsync("AT+FDCC?"));
        await _b.CommandAsync("AT+FLID=\"B\"");
        await _b.CommandAsync("AT+FBOR=0");
        await _b.CommandAsync("AT+FPHCTO=30");
        await _b.CommandAsync("AT+FLI=\"B\"", "ERROR");
        await _b.CommandAsync("AT+FDT", "ERROR");
    }

    [Fact]
    public async Task A_Class20_page_goes_DTE_to_DTE_with_page_marker_DC2_DLE_stuffing_and_reports()
    {
        await _a.CommandAsync("AT+FCLASS=2.0;+FLI=\"TX SIDE\";+FCC=1,5,0,2,1,0,0,0;+FNR=1,1,1,1");
        await _b.CommandAsync("AT+FCLASS=2.0;+FLI=\"RX SIDE\";+FCC=1,5,0,2,1,0,0,0;+FCR=1");
        var page = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7 % 251)).ToArray();
        page[10] = 0x10;
        page[11] = 0x10;

        var dial = _a.CommandAsync("ATD" + _pstn.Modems[1].Number);
        await _b.ExpectAsync("RING");

        // ATA ends when DCS arrives, and the sending modem answers DIS with DCS only once its DTE says +FDT.
        var answer = _b.CommandAsync("ATA");
        var dialled = Parse(await dial, Class2Dialect.Class20);
        Assert.IsType<Class2ConnectReport>(dialled[0]);
        Assert.Equal("RX SIDE", Assert.Single(dialled.OfType<Class2RemoteIdReport>()).Id);
        Assert.Equal(Class2SessionKind.RemoteCapabilities, Assert.Single(dialled.OfType<Class2SessionReport>()).Kind);

        var send = Task.Run(async () =>
        {
            var beforeConnect = Parse(await _a.CommandAsync("AT+FDT", "CONNECT"), Class2Dialect.Class20);
            Assert.Equal(Class2SessionKind.Negotiated, Assert.Single(beforeConnect.OfType<Class2SessionReport>()).Kind);
            await _a.SendAsync([.. FaxGateway.Modems.Framing.DleStuffing.Stuff(page), 0x10, (byte)'.']);
            return Parse(await _a.ExpectAsync("\r\nOK\r\n"), Class2Dialect.Class20);
        });

        var answered = Parse(await answer, Class2Dialect.Class20);
        Assert.IsType<Class2ConnectReport>(answered[0]);
        Assert.Equal("TX SIDE", Assert.Single(answered.OfType<Class2RemoteIdReport>()).Id);
        var dcs = Assert.Single(answered.OfType<Class2SessionReport>());
        Assert.Equal(Class2SessionKind.Negotiated, dcs.Kind);
        Assert.Equal(14400, dcs.Parameters.BitRate);

        await _b.CommandAsync("AT+FDR", "CONNECT");
        await _b.SendAsync([0x12]);
        var stuffed = await _b.ExpectAsync(new byte[] { 0x10, 0x03 });
        var pageReports = Parse(await _b.ExpectAsync("\r\nOK\r\n"), Class2Dialect.Class20);
        Assert.Equal(page, Unstuff(stuffed));
        Assert.Equal(Class2PageResponse.Mcf, Assert.Single(pageReports.OfType<Class2PageStatusReport>()).Response);
        Assert.Equal(Class2PostPageMessage.Eop, Assert.Single(pageReports.OfType<Class2PostPageReport>()).Message);

        // The next +FDR releases MCF; after EOP it ends the session: +FHS:00.
        await _b.CommandAsync("AT+FPS=1");
        var end = Parse(await _b.CommandAsync("AT+FDR"), Class2Dialect.Class20);
        Assert.True(Assert.Single(end.OfType<Class2HangupReport>()).Status.IsNormal);

        var sent = await send;
        Assert.Equal(Class2PageResponse.Mcf, Assert.Single(sent.OfType<Class2PageStatusReport>()).Response);
        Assert.True(Assert.Single(sent.OfType<Class2HangupReport>()).Status.IsNormal);
    }

    [Fact]
    public async Task A_Class2_sender_waits_for_XON_ends_the_page_with_DLE_ETX_and_FET_and_gets_FPTS_and_FHNG()
    {
        await _a.CommandAsync("AT+FCLASS=2;+FLID=\"C2 TX\"");
        await _b.CommandAsync("AT+FCLASS=2;+FLID=\"C2 RX\"");
        var page = Enumerable.Range(0, 1000).Select(i => (byte)(i * 13 % 256)).ToArray();

        var dial = _a.CommandAsync("ATD" + _pstn.Modems[1].Number);
        await _b.ExpectAsync("RING");
        var answer = _b.CommandAsync("ATA");
        var dialled = Parse(await dial, Class2Dialect.Class2);
        Assert.Equal("C2 RX", Assert.Single(dialled.OfType<Class2RemoteIdReport>()).Id);

        var send = Task.Run(async () =>
        {
            Assert.Contains("+FDCS:", await _a.CommandAsync("AT+FDT", "CONNECT"), StringComparison.Ordinal);
            await _a.ExpectAsync(new byte[] { 0x11 });
            await _a.SendAsync([.. FaxGateway.Modems.Framing.DleStuffing.Stuff(page), 0x10, 0x03]);
            await _a.ExpectAsync("\r\nOK\r\n");
            return Parse(await _a.CommandAsync("AT+FET=2"), Class2Dialect.Class2);
        });

        Assert.Contains("+FTSI:\"C2 TX\"", await answer, StringComparison.Ordinal);
        await _b.CommandAsync("AT+FDR", "CONNECT");
        await _b.SendAsync([0x12]);
        Assert.Equal(page, Unstuff(await _b.ExpectAsync(new byte[] { 0x10, 0x03 })));
        Assert.Contains("+FET:2", await _b.ExpectAsync("\r\nOK\r\n"), StringComparison.Ordinal);
        await _b.CommandAsync("AT+FPTS=1");
        Assert.Contains("+FHNG:0", await _b.CommandAsync("AT+FDR"), StringComparison.Ordinal);

        var sent = await send;
        Assert.Equal(Class2PageResponse.Mcf, Assert.Single(sent.OfType<Class2PageStatusReport>()).Response);
        Assert.True(Assert.Single(sent.OfType<Class2HangupReport>()).Status.IsNormal);
    }

    [Fact]
    public async Task A_page_the_receiving_DTE_rejects_with_FPS_2_reaches_the_sending_DTE_as_FPS_2_and_ERROR()
    {
        await _a.CommandAsync("AT+FCLASS=2.0;+FLI=\"TX\"");
        await _b.CommandAsync("AT+FCLASS=2.0;+FLI=\"RX\"");
        var page = Enumerable.Range(0, 2000).Select(i => (byte)(i % 200 + 20)).ToArray();

        var dial = _a.CommandAsync("ATD" + _pstn.Modems[1].Number);
        await _b.ExpectAsync("RING");
        var answer = _b.CommandAsync("ATA");
        await dial;
        var send = Task.Run(async () =>
        {
            await _a.CommandAsync("AT+FDT", "CONNECT");
            await _a.SendAsync([.. FaxGateway.Modems.Framing.DleStuffing.Stuff(page), 0x10, (byte)'.']);
            return await _a.ExpectAsync("\r\nERROR\r\n");
        });
        await answer;

        await _b.CommandAsync("AT+FDR", "CONNECT");
        await _b.SendAsync([0x12]);
        Assert.Equal(page, Unstuff(await _b.ExpectAsync(new byte[] { 0x10, 0x03 })));
        await _b.ExpectAsync("\r\nOK\r\n");
        await _b.CommandAsync("AT+FPS=2");
        await _b.CommandAsync("AT+FDR");

        var sent = Parse(await send, Class2Dialect.Class20);
        Assert.Equal(Class2PageResponse.Rtn, Assert.Single(sent.OfType<Class2PageStatusReport>()).Response);
        Assert.Single(sent.OfType<Class2HangupReport>());
        Assert.Contains(_pstn.Calls, c => c.Trace.Contains("callee V.21 frame FF134C"));
    }

    [Fact]
    public async Task Page_commands_without_a_call_are_ERROR_and_FKS_aborts_a_call_with_FHS_02()
    {
        await _a.CommandAsync("AT+FCLASS=2.0");
        await _a.CommandAsync("AT+FDT", "ERROR");
        await _a.CommandAsync("AT+FDR", "ERROR");
        await _b.CommandAsync("AT+FCLASS=2");
        await _b.CommandAsync("AT+FET=2", "ERROR");
        await _b.CommandAsync("AT+FCLASS=2.0");

        var dial = _a.CommandAsync("ATD" + _pstn.Modems[1].Number);
        await _b.ExpectAsync("RING");
        await _b.SendAsync("ATA\r");
        await dial;
        Assert.Contains("+FHS:02", await _a.CommandAsync("AT+FKS"), StringComparison.Ordinal);

        // The answering modem, waiting for DCS, sees the line drop: a non-normal hangup report and NO CARRIER.
        var reports = (await _b.ExpectAsync("\r\nNO CARRIER\r\n")).Split("\r\n").Where(l => l.StartsWith("+F", StringComparison.Ordinal));
        var hangup = Assert.Single(Parse(string.Join("\r\n", reports), Class2Dialect.Class20).OfType<Class2HangupReport>());
        Assert.False(hangup.Status.IsNormal);
    }

    private static byte[] Unstuff(byte[] stuffed)
    {
        var decoder = default(FaxGateway.Modems.Framing.DleDecoder);
        var output = new byte[stuffed.Length];
        decoder.Decode(stuffed, output, out _, out var written);
        return output.AsSpan(0, written).ToArray();
    }
}
