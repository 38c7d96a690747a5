using FaxGateway.Imaging;
using FaxGateway.Modems.Calls;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Tests.Scripting;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Modems.Tests.Calls;

/// <summary>
/// Class 2.0 behind the same call API (the simulator has no Class 2/2.0 modems, so the modem is a script): the page
/// is coded for the session the modem reports in its answer to +FDT, and its reports become the call result.
/// </summary>
public sealed class Class2FaxLineTests
{
    private static readonly string[] Class20Init = ["AT+FCLASS=2.0", "AT+FLI=\"+1 555 0100\"", "AT+FCC=1,5,0,2,0,0,0,0", "AT+FCR=1", "AT+FBO=0", "AT+FCT=30", "AT+FNR=1,1,1,1"];

    [Fact]
    public async Task A_fine_page_is_recoded_to_the_negotiated_standard_MR_session_and_confirmed()
    {
        var page = TestPages.Make(40, 196, 21);

        // The modem reports VR 0 (standard), BR 3 (9600), DF 1 (MR): that is what must go on the line, MSB-first
        // data reversed for +FBO=0 and DLE-doubled, then <DLE>. for EOP.
        var mode = new DcsParameters { Rate = FaxRate.V29_9600, Resolution = Protocol.Capabilities.FaxResolution.Standard, Compression = FaxCompression.MR };
        var coded = FaxEncoder.Encode(FaxPageSource.Prepare(page, mode), FaxPageSource.LineCoding(mode) with { BitOrder = FaxBitOrder.MsbFirst, MinBitsPerRow = 0 });
        BitOrder.ReverseInPlace(coded);
        var script = new ScriptedModemStream().InitRows(TestProfiles.Class20, Class20Init)
            .Exchange("ATDT5550199\r", "\r\n+FCO\r\n\r\n+FCI:\"REMOTE FAX\"\r\n\r\n+FIS:1,5,0,2,1,0,0,0\r\n\r\nOK\r\n")
            .Exchange("AT+FDT\r", "\r\n+FCS:0,3,0,2,1,0,0,0\r\n\r\nCONNECT\r\n")
            .Expect(DleStuffing.Stuff(coded))
            .Exchange([Dle.Escape, (byte)'.'], ScriptedModemStream.Bytes("\r\n+FPS:1,0,0,0,0\r\n\r\n+FHS:00\r\n\r\nOK\r\n"))
            .Exchange("ATH0\r", "\r\nOK\r\n");
        await using var line = new FaxLine(TestProfiles.Connect(script, TestProfiles.Class20), new FaxCallOptions { LocalIdent = "+1 555 0100" });
        Assert.Equal(FaxCallClass.Class20, line.Class);
        await line.InitializeAsync(TestProfiles.Generous);

        var report = await line.SendAsync("5550199", [page], TestProfiles.Generous);

        Assert.True(report.Success, report.HangupText);
        Assert.Equal(HangupReason.Normal, report.Reason);
        Assert.Equal("REMOTE FAX", report.RemoteIdent);
        var result = Assert.Single(report.Pages);
        Assert.Equal(PageOutcome.Confirmed, result.Outcome);
        Assert.Equal(FaxCompression.MR, result.Compression);
        Assert.Equal(Protocol.Capabilities.FaxResolution.Standard, result.Resolution);
        Assert.Equal(9600, result.Rate.BitsPerSecond);
        await script.Completed;
    }

    [Fact]
    public async Task A_page_answered_RTN_with_a_hangup_code_is_rejected_and_the_reason_mapped()
    {
        var page = TestPages.Make(20, 98, 22);
        var mode = new DcsParameters { Rate = FaxRate.V27ter4800, Resolution = Protocol.Capabilities.FaxResolution.Standard, Compression = FaxCompression.MH };
        var coded = FaxEncoder.Encode(FaxPageSource.Prepare(page, mode), FaxPageSource.LineCoding(mode) with { BitOrder = FaxBitOrder.MsbFirst, MinBitsPerRow = 0 });
        BitOrder.ReverseInPlace(coded);
        var script = new ScriptedModemStream().InitRows(TestProfiles.Class20, Class20Init)
            .Exchange("ATDT5550199\r", "\r\n+FCO\r\n\r\n+FIS:0,1,0,2,0,0,0,0\r\n\r\nOK\r\n")
            .Exchange("AT+FDT\r", "\r\n+FCS:0,1,0,2,0,0,0,0\r\n\r\nCONNECT\r\n")
            .Expect(DleStuffing.Stuff(coded))
            .Exchange([Dle.Escape, (byte)'.'], ScriptedModemStream.Bytes("\r\n+FPS:2,0,0,0,0\r\n\r\n+FHS:54\r\n\r\nOK\r\n"))
            .Exchange("ATH0\r", "\r\nOK\r\n");
        await using var line = new FaxLine(TestProfiles.Connect(script, TestProfiles.Class20), new FaxCallOptions { LocalIdent = "+1 555 0100" });
        await line.InitializeAsync(TestProfiles.Generous);

        var report = await line.SendAsync("5550199", [page], TestProfiles.Generous);

        Assert.False(report.Success);
        Assert.Equal(PageOutcome.Rejected, Assert.Single(report.Pages).Outcome);
        Assert.Equal(0, report.PagesConfirmed);
        Assert.Equal(HangupReason.EopNoResponse, report.Reason);
        await script.Completed;
    }
}
