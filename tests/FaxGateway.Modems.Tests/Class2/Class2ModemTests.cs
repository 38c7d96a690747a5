using FaxGateway.Modems.Class2;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Tests.Scripting;

namespace FaxGateway.Modems.Tests.Class2;

public sealed class Class2ModemTests
{
    private static readonly string[] Class20Init = ["AT+FCLASS=2.0", "AT+FLI=\"+1 555 0100\"", "AT+FCC=1,5,0,2,0,0,0,0", "AT+FCR=1", "AT+FBO=0", "AT+FCT=30", "AT+FNR=1,1,1,1"];
    private static readonly string[] Class2Init = ["AT+FCLASS=2", "AT+FLID=\"+1 555 0100\"", "AT+FDCC=1,5,0,2,0,0,0,0", "AT+FCR=1", "AT+FBOR=0", "AT+FPHCTO=30"];

    private static byte[] Bytes(string s) => ScriptedModemStream.Bytes(s);

    private static async Task<(Class2Modem Modem, ScriptedModemStream Script)> StartAsync(ModemProfile profile, Action<ScriptedModemStream> rows)
    {
        var init = profile.PreferredClass == FaxClass.Class2 ? Class2Init : Class20Init;
        var script = new ScriptedModemStream().InitRows(profile, [.. init, .. profile.Class2.InitCommands]);
        rows(script);
        var modem = new Class2Modem(TestProfiles.Connect(script, profile));
        await modem.InitializeAsync("+1 555 0100", TestProfiles.Generous);
        return (modem, script);
    }

    [Fact]
    public async Task Class20_dial_collects_the_remote_id_and_capabilities()
    {
        var (modem, script) = await StartAsync(TestProfiles.Class20, s => s.Exchange("ATDT5550199\r", "\r\n+FCO\r\n\r\n+FCI:\"REMOTE FAX\"\r\n\r\n+FIS:1,5,0,2,0,0,0,0\r\n\r\nOK\r\n"));
        var call = await modem.DialAsync("5550199", TestProfiles.Generous);
        Assert.True(call.Connected);
        Assert.Equal("REMOTE FAX", modem.RemoteId);
        Assert.Equal(14400, modem.RemoteCapabilities!.BitRate);
        Assert.Equal(3, call.Reports.Count);
        await script.Completed;
    }

    [Fact]
    public async Task Class20_dial_without_a_fax_answer_reports_the_hangup_reason()
    {
        var (modem, _) = await StartAsync(TestProfiles.Class20, s => s.Exchange("ATDT5550199\r", "\r\n+FHS:11\r\n\r\nNO CARRIER\r\n"));
        var call = await modem.DialAsync("5550199", TestProfiles.Generous);
        Assert.Equal(CallOutcome.NoCarrier, call.Outcome);
        Assert.Equal(Class2HangupReason.NoAnswerT1, call.Hangup!.Reason);
    }

    [Fact]
    public async Task Class20_send_ends_pages_with_dle_markers_and_reads_fps()
    {
        // MSB-first 0x08 becomes line-order 0x10, which travels doubled.
        var (modem, script) = await StartAsync(TestProfiles.Class20, s => s
            .Exchange("AT+FDT\r", "\r\n+FCS:1,5,0,2,0,0,0,0\r\n\r\nCONNECT\r\n")
            .Expect([0x80, 0x10, 0x10])
            .Exchange([0x10, (byte)','], Bytes("\r\n+FPS:1,0,0,0,0\r\n\r\nOK\r\n"))
            .Exchange("AT+FDT\r", "\r\nCONNECT\r\n")
            .Expect([0x80])
            .Exchange([0x10, (byte)'.'], Bytes("\r\n+FPS:1,0,0,0,0\r\n\r\n+FHS:00\r\n\r\nOK\r\n")));
        var first = await modem.SendPageAsync(new byte[] { 0x01, 0x08 }, Class2PostPageMessage.Mps, TestProfiles.Generous);
        Assert.True(first.Confirmed);
        Assert.Null(first.Hangup);
        Assert.Equal(9600 + 4800, modem.Session!.BitRate);
        var last = await modem.SendPageAsync(new byte[] { 0x01 }, Class2PostPageMessage.Eop, TestProfiles.Generous);
        Assert.Equal(Class2PageResponse.Mcf, last.Response);
        Assert.True(last.Hangup!.IsNormal);
        await script.Completed;
    }

    [Fact]
    public async Task Class20_rejected_page_is_rtn()
    {
        var (modem, _) = await StartAsync(TestProfiles.Class20, s => s
            .Exchange("AT+FDT\r", "\r\nCONNECT\r\n")
            .Expect([0x80])
            .Exchange([0x10, (byte)';'], Bytes("\r\n+FPS:2,0,0,0,0\r\n\r\nERROR\r\n")));
        var result = await modem.SendPageAsync(new byte[] { 0x01 }, Class2PostPageMessage.Eom, TestProfiles.Generous);
        Assert.Equal(Class2PageResponse.Rtn, result.Response);
        Assert.False(result.Confirmed);
    }

    [Fact]
    public async Task Modems_that_only_say_ok_are_asked_for_the_page_status()
    {
        var profile = TestProfiles.Class20 with { Class2 = new Class2Settings { QueryPageStatus = true } };
        var (modem, script) = await StartAsync(profile, s => s
            .Exchange("AT+FDT\r", "\r\nCONNECT\r\n")
            .Expect([0x80])
            .Exchange([0x10, (byte)','], Bytes("\r\nOK\r\n"))
            .Exchange("AT+FPS?\r", "\r\n3\r\n\r\nOK\r\n"));
        var result = await modem.SendPageAsync(new byte[] { 0x01 }, Class2PostPageMessage.Mps, TestProfiles.Generous);
        Assert.Equal(Class2PageResponse.Rtp, result.Response);
        await script.Completed;
    }

    [Fact]
    public async Task Class2_send_waits_for_xon_and_ends_with_dle_etx_and_fet()
    {
        var (modem, script) = await StartAsync(TestProfiles.Class2, s => s
            .Exchange("AT+FDT\r", "\r\n+FDCS:0,3,0,2,0,0,0,0\r\n\r\nCONNECT\r\n\u0011")
            .Expect([0x80, 0x40])
            .Exchange([0x10, 0x03], Bytes("\r\nOK\r\n"))
            .Exchange("AT+FET=2\r", "\r\n+FPTS:1\r\n\r\n+FHNG:0\r\n\r\nOK\r\n"));
        var result = await modem.SendPageAsync(new byte[] { 0x01, 0x02 }, Class2PostPageMessage.Eop, TestProfiles.Generous);
        Assert.True(result.Confirmed);
        Assert.Equal(Class2HangupReason.Normal, result.Hangup!.Reason);
        Assert.Equal(9600, modem.Session!.BitRate);
        await script.Completed;
    }

    [Fact]
    public async Task Class20_receive_sends_dc2_reads_pages_and_ends_at_fhs()
    {
        byte[] page = [0x00, 0x10, 0x80];
        var (modem, script) = await StartAsync(TestProfiles.Class20, s => s
            .Exchange("ATA\r", "\r\n+FCO\r\n\r\n+FTI:\"SENDER\"\r\n\r\n+FCS:1,5,0,2,0,0,0,0\r\n\r\nOK\r\n")
            .Exchange("AT+FDR\r", "\r\nCONNECT\r\n")
            .Exchange([Dle.Dc2], [.. DleStuffing.StuffAndTerminate(page), .. Bytes("\r\n+FPS:1,2,0,0,0\r\n\r\n+FET:2\r\n\r\nOK\r\n")])
            .Exchange("AT+FPS=1\r", "\r\nOK\r\n")
            .Exchange("AT+FDR\r", "\r\n+FHS:00\r\n\r\nOK\r\n"));
        var call = await modem.AnswerAsync(TestProfiles.Generous);
        Assert.True(call.Connected);
        Assert.Equal("SENDER", modem.RemoteId);
        var received = await modem.ReceivePageAsync(TestProfiles.Generous);
        Assert.NotNull(received);
        Assert.Equal(new byte[] { 0x00, 0x08, 0x01 }, received.Data);
        Assert.True(received.IsLast);
        Assert.Equal(2, received.Status!.LineCount);
        await modem.SetPageResponseAsync(Class2PageResponse.Mcf, TestProfiles.Generous);
        Assert.Null(await modem.ReceivePageAsync(TestProfiles.Generous));
        Assert.True(modem.Hangup!.IsNormal);
        await script.Completed;
    }

    [Fact]
    public async Task Class2_receive_uses_dc1_and_fixes_reversed_data_by_profile()
    {
        var profile = TestProfiles.Class2 with { Class2 = new Class2Settings { ReceiveTrigger = ReceiveTrigger.Dc1, ReceiveDataReversed = true } };
        var (modem, script) = await StartAsync(profile, s => s
            .Exchange("AT+FDR\r", "\r\n+FCFR\r\n\r\n+FDCS:1,5,0,2,0,0,0,0\r\n\r\nCONNECT\r\n")
            .Exchange([Dle.Dc1], [0x80, 0x01, 0x10, 0x03, .. Bytes("\r\n+FPTS:1,1\r\n\r\n+FET:0\r\n\r\nOK\r\n")])
            .Exchange("AT+FPTS=2\r", "\r\nOK\r\n"));
        var received = await modem.ReceivePageAsync(TestProfiles.Generous);
        // The modem already reversed the data despite +FBOR=0: the driver leaves it as delivered.
        Assert.Equal(new byte[] { 0x80, 0x01 }, received!.Data);
        Assert.Equal(Class2PostPageMessage.Mps, received.Message);
        await modem.SetPageResponseAsync(Class2PageResponse.Rtn, TestProfiles.Generous);
        await script.Completed;
    }

    [Fact]
    public async Task Class2_abort_uses_fk_and_class20_fks()
    {
        var (modem2, s2) = await StartAsync(TestProfiles.Class2, s => s.Exchange("AT+FK\r", "\r\n+FHNG:2\r\n\r\nOK\r\n"));
        await modem2.AbortAsync(TestProfiles.Generous);
        Assert.Equal(Class2HangupReason.Aborted, modem2.Hangup!.Reason);
        var (modem20, s20) = await StartAsync(TestProfiles.Class20, s => s.Exchange("AT+FKS\r", "\r\n+FHS:02\r\n\r\nOK\r\n"));
        await modem20.AbortAsync(TestProfiles.Generous);
        Assert.Equal(Class2HangupReason.Aborted, modem20.Hangup!.Reason);
        await s2.Completed;
        await s20.Completed;
    }

    [Fact]
    public async Task A_malformed_report_breaks_the_line_with_a_clear_error()
    {
        var (modem, script) = await StartAsync(TestProfiles.Class20, s => s
            .Exchange("AT+FDT\r", "\r\n+FCS:zz\r\n\r\nCONNECT\r\n")
            .BreakRows(TestProfiles.Class20, Class20Init));
        var ex = await Assert.ThrowsAsync<ModemException>(() => modem.SendPageAsync(new byte[] { 1 }, Class2PostPageMessage.Eop, TestProfiles.Generous));
        Assert.Equal(ModemFailure.Garbage, ex.Failure);
        Assert.Contains("+FCS:zz", ex.Message, StringComparison.Ordinal);
        await script.Completed;
    }

    [Fact]
    public async Task Local_id_is_checked()
    {
        var modem = new Class2Modem(TestProfiles.Connect(new ScriptedModemStream(), TestProfiles.Class20));
        await Assert.ThrowsAsync<ArgumentException>(() => modem.InitializeAsync(new string('1', 21), TestProfiles.Generous));
        await Assert.ThrowsAsync<ArgumentException>(() => modem.InitializeAsync("a\"b", TestProfiles.Generous));
    }
}
