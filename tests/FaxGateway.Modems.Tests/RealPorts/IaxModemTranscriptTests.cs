using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Probing;
using FaxGateway.Modems.Tests.Scripting;

namespace FaxGateway.Modems.Tests.RealPorts;

/// <summary>Replays the real call captured from iaxmodem (hardware/transcripts/iaxmodem-class1-call-caller.txt) in CI without iaxmodem.</summary>
public sealed class IaxModemTranscriptTests
{
    [Fact]
    public async Task The_captured_iaxmodem_call_replays_through_the_class1_driver()
    {
        var iax = ModemProfileCatalog.Load(null).Get("iaxmodem");
        // The CONNECT delay only shifts time; the bytes are the same without it.
        // The capture was made when the iaxmodem profile still switched with AT+FRS=7: replay it with that setting.
        var profile = iax with { Class1 = iax.Class1 with { TmConnectDelayMs = 0, SwitchingCommand = "AT+FRS=7" } };
        var script = Transcript.Load("iaxmodem-class1-call-caller.txt").ToScript();
        var modem = new Class1Modem(TestProfiles.Connect(script, profile));
        await modem.InitializeAsync(TestProfiles.Generous);
        Assert.True((await modem.DialAsync("100", TestProfiles.Generous)).Connected);
        var csi = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        var dis = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        Assert.True(csi.FcsOk);
        Assert.Equal((byte)0x40, csi.Fcf);
        Assert.Equal((byte)0x80, dis.Fcf);
        Assert.True(dis.IsFinal);

        // Our CRC-16 gives the FCS octets the real spandsp modem sent after these frames.
        Assert.Equal(new byte[] { 0x0A, 0x33 }, Crc16.AppendFcs(csi.Frame)[^2..]);
        Assert.Equal(new byte[] { 0x63, 0x2F }, Crc16.AppendFcs(dis.Frame)[^2..]);

        await modem.TurnaroundAsync(TestProfiles.Generous);
        await modem.SendFramesAsync([new byte[] { 0xFF, 0x13, 0x83, 0x00, 0x46, 0x70 }], TestProfiles.Generous);
        await modem.BeforeTcfAsync(TestProfiles.Generous);
        await using (var tcf = await modem.StartImageTransmitAsync(Class1Carrier.V29At9600, msbFirstData: false, TestProfiles.Generous))
        {
            await tcf.WriteAsync(new byte[1800], TestProfiles.Generous);
            await tcf.CompleteAsync(TestProfiles.Generous);
        }

        await modem.HangupAsync(TestProfiles.Generous);
        await script.Completed;
    }
}
