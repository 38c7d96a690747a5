using FaxGateway.Modems.Framing;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;

namespace FaxGateway.Simulator.Tests;

public sealed class CallTests : IAsyncLifetime
{
    // Raw Class 1 bytes (spandsp convention): CSI non-final and DIS final from the answerer.
    private static readonly byte[] Csi = [0xFF, 0x03, 0x40, .. "          4321 555"u8.ToArray()];
    private static readonly byte[] Dis = [0xFF, 0x13, 0x80, 0x00, 0x6E, 0xB8, 0x00];

    private readonly VirtualPstn _pstn = new(new PstnOptions { RingInterval = TimeSpan.FromMilliseconds(20), RingsBeforeNoAnswer = 50 });
    private VirtualModem _modemA = null!;
    private VirtualModem _modemB = null!;
    private DtePort _a = null!;
    private DtePort _b = null!;

    public async Task InitializeAsync()
    {
        _modemA = _pstn.AddModem();
        _modemB = _pstn.AddModem(new VirtualModemOptions { CallerName = "RECEIVER" });
        _a = new DtePort(_modemA.OpenPort());
        _b = new DtePort(_modemB.OpenPort());
        foreach (var port in new[] { _a, _b })
        {
            await port.CommandAsync("ATE0");
            await port.CommandAsync("AT+FCLASS=1");
        }
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _pstn.DisposeAsync();
    }

    private async Task ConnectAsync()
    {
        await _a.SendAsync($"ATD{_modemB.Number}\r");
        await _b.ExpectAsync("\r\nRING\r\n");
        await _b.SendAsync("ATA\r");
        await _b.ExpectAsync("\r\nCONNECT\r\n");
    }

    private static byte[] Stuffed(byte[] frame) => DleStuffing.StuffAndTerminate(frame);

    [Fact]
    public async Task Numbers_are_assigned_in_order()
    {
        Assert.Equal("5550100", _modemA.Number);
        Assert.Equal("5550101", _modemB.Number);
        Assert.Same(_modemB, _pstn.FindModem("5550101"));
    }

    [Fact]
    public async Task Dial_rings_with_caller_id_and_answer_gives_implicit_HDLC_both_ways()
    {
        await _a.SendAsync($"ATD{_modemB.Number}\r");
        await _b.ExpectAsync("\r\nRING\r\n");
        var callerId = await _b.ExpectAsync("\r\nRING\r\n");
        Assert.Matches(@"^\r\nDATE=\d{4}\r\n\r\nTIME=\d{4}\r\n\r\nNMBR=5550100\r\n\r\nNAME=FAXGW SIM 0\r\n$", callerId);
        await _b.SendAsync("ATA\r");
        await _b.ExpectAsync("\r\nCONNECT\r\n");

        // The answerer writes CSI (non-final: CONNECT again) and DIS (final: OK).
        await _b.SendAsync(Stuffed(Csi));
        await _b.ExpectAsync("\r\nCONNECT\r\n");
        await _b.SendAsync(Stuffed(Dis));
        await _b.ExpectAsync("\r\nOK\r\n");

        // The caller's ATD turned into +FRH=3: CONNECT, frame + FCS, <DLE><ETX>, OK.
        await _a.ExpectAsync("\r\nCONNECT\r\n");
        var csi = await _a.ExpectAsync([Dle.Escape, Dle.Etx]);
        Assert.Equal(Crc16.AppendFcs(Csi), csi);
        await _a.ExpectAsync("\r\nOK\r\n");
        await _a.SendAsync("AT+FRH=3\r");
        await _a.ExpectAsync("\r\nCONNECT\r\n");
        var dis = await _a.ExpectAsync([Dle.Escape, Dle.Etx]);
        Assert.Equal(Crc16.AppendFcs(Dis), dis);
        Assert.True(Crc16.Check(dis));
        await _a.ExpectAsync("\r\nOK\r\n");

        var trace = _pstn.Calls.Single().Trace;
        Assert.Contains("caller CNG", trace);
        Assert.Contains("callee CED", trace);
    }

    [Fact]
    public async Task Auto_answer_after_S0_rings()
    {
        await _b.CommandAsync("ATS0=2");
        await _a.SendAsync($"ATD{_modemB.Number}\r");
        await _b.ExpectAsync("\r\nRING\r\n");
        await _b.ExpectAsync("\r\nRING\r\n");
        await _b.ExpectAsync("\r\nCONNECT\r\n");
        Assert.Equal(CallOutcome.Answered, await _pstn.Calls.Single().Outcome);
    }

    [Fact]
    public async Task Busy_line_and_line_in_a_call_give_BUSY()
    {
        _modemB.Line.AlwaysBusy = true;
        await _a.CommandAsync($"ATD{_modemB.Number}", "BUSY");
        _modemB.Line.AlwaysBusy = false;

        var c = new DtePort(_pstn.AddModem().OpenPort());
        await c.CommandAsync("ATE0");
        await c.CommandAsync("AT+FCLASS=1");
        await ConnectAsync();
        await c.CommandAsync($"ATD{_modemB.Number}", "BUSY");
        await c.CommandAsync($"ATD{_modemA.Number}", "BUSY");
        await c.DisposeAsync();
    }

    [Fact]
    public async Task Unanswered_call_gives_NO_ANSWER()
    {
        await using var pstn = new VirtualPstn(new PstnOptions { RingInterval = TimeSpan.FromMilliseconds(10), RingsBeforeNoAnswer = 3 });
        var a = new DtePort(pstn.AddModem().OpenPort());
        var b = pstn.AddModem();
        await a.CommandAsync("AT+FCLASS=1");
        await a.CommandAsync($"ATD{b.Number}", "NO ANSWER");
        Assert.Equal(CallOutcome.NoAnswer, await pstn.Calls.Single().Outcome);
        Assert.Null(b.CurrentCall);
        await a.DisposeAsync();
    }

    [Fact]
    public async Task No_dial_tone_and_unknown_numbers()
    {
        _modemA.Line.NoDialTone = true;
        await _a.CommandAsync("ATD5550101", "NO DIALTONE");
        _modemA.Line.NoDialTone = false;
        await _a.CommandAsync("ATD999", "NO CARRIER");
        await _a.CommandAsync("ATD", "ERROR");
    }

    [Fact]
    public async Task A_key_pressed_while_dialling_abandons_the_call()
    {
        await _a.SendAsync($"ATD{_modemB.Number}\r");
        await _b.ExpectAsync("\r\nRING\r\n");
        await _a.SendAsync("\r");
        await _a.ExpectAsync("\r\nNO CARRIER\r\n");
        Assert.Equal(CallOutcome.Abandoned, await _pstn.Calls.Single().Outcome);
    }

    [Fact]
    public async Task Far_end_hangup_gives_NO_CARRIER_to_a_waiting_receiver()
    {
        await ConnectAsync();
        await _b.SendAsync(Stuffed(Dis));
        await _b.ExpectAsync("\r\nOK\r\n");
        await _a.ExpectAsync("\r\nOK\r\n");
        await _a.SendAsync("AT+FRH=3\r");
        await _b.CommandAsync("ATH");
        await _a.ExpectAsync("\r\nNO CARRIER\r\n");
        await _a.CommandAsync("AT+FRH=3", "NO CARRIER");
        await _a.CommandAsync("ATH0");
        await _a.CommandAsync("AT+FRH=3", "ERROR");
        Assert.Equal(CallEndReason.CalleeHungUp, _pstn.Calls.Single().EndReason);
    }

    [Fact]
    public async Task High_speed_data_crosses_with_DLE_doubled_and_wrong_modulation_gives_FCERROR()
    {
        await ConnectAsync();
        await _b.SendAsync(Stuffed(Dis));
        await _b.ExpectAsync("\r\nOK\r\n");
        await _a.ExpectAsync("\r\nOK\r\n");

        var page = new byte[3000];
        new Random(7).NextBytes(page);
        page[10] = Dle.Escape;
        page[11] = Dle.Escape;
        page[12] = Dle.Etx;
        await _a.SendAsync("AT+FTM=96\r");
        await _a.ExpectAsync("\r\nCONNECT\r\n");
        await _a.SendAsync(DleStuffing.StuffAndTerminate(page));
        await _a.ExpectAsync("\r\nOK\r\n");

        await _b.CommandAsync("AT+FDD=1");
        await _b.CommandAsync("AT+FRH=3", "+FCERROR");
        await _b.CommandAsync("AT+FRM=146", "+FCERROR");
        await _b.SendAsync("AT+FRM=96\r");
        await _b.ExpectAsync("\r\nCONNECT\r\n");
        var received = (await _b.ExpectAsync("\r\nNO CARRIER\r\n")).Select(c => (byte)c).ToArray();
        var stuffed = DleStuffing.Stuff(page, useSub: true);
        Assert.Equal([Dle.Escape, Dle.Sub, Dle.Etx], stuffed[10..13]);
        Assert.Equal(stuffed, received[..stuffed.Length]);

        // Then what the demodulator decodes while it notices the carrier loss (10 ms at 9600 bit/s), and <DLE><ETX>.
        Assert.Equal([.. new byte[12], Dle.Escape, Dle.Etx], received[stuffed.Length..]);
    }

    [Fact]
    public async Task V21_flags_during_FRM_give_FCERROR_or_FRH3_with_FAR()
    {
        await ConnectAsync();
        await _b.SendAsync(Stuffed(Dis));
        await _b.ExpectAsync("\r\nOK\r\n");
        await _a.ExpectAsync("\r\nOK\r\n");
        await _a.SendAsync("AT+FTH=3\r");
        await _a.ExpectAsync("\r\nCONNECT\r\n");
        await _b.CommandAsync("AT+FRM=96", "+FCERROR");
        await _b.CommandAsync("AT+FAR=1");
        await _b.SendAsync("AT+FRM=96\r");
        await _a.SendAsync(Stuffed([0xFF, 0x13, 0x83, 0x00, 0x62, 0x78]));
        await _a.ExpectAsync("\r\nOK\r\n");
        await _b.ExpectAsync("\r\n+FRH:3\r\n");
        await _b.ExpectAsync("\r\nCONNECT\r\n");
        await _b.ExpectAsync("\r\nOK\r\n");
    }

    [Fact]
    public async Task Receive_is_aborted_by_any_character()
    {
        await ConnectAsync();
        await _b.SendAsync(Stuffed(Dis));
        await _b.ExpectAsync("\r\nOK\r\n");
        await _a.ExpectAsync("\r\nOK\r\n");
        await _a.SendAsync("AT+FRH=3\r");
        await _a.SendAsync("X");
        await _a.ExpectAsync("\r\nOK\r\n");
        await _a.SendAsync("AT+FRM=96\r");
        await _a.SendAsync("X");
        await _a.ExpectAsync("\r\nOK\r\n");
        await _a.CommandAsync("AT+FRS=7");
        await _a.CommandAsync("AT+FTS=7");
    }
}
