using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Class2;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Tests.Scripting;
using FaxGateway.Modems.Transport;

namespace FaxGateway.Modems.Tests.RealPorts;

/// <summary>The drivers through a real pty opened with System.IO.Ports, a scripted modem on the other end.</summary>
public sealed class PtyDriverTests
{
    private static readonly byte[] Dis = [0xFF, 0x13, 0x80, 0x00, 0xEE, 0xF8, 0x80, 0x80, 0x91, 0x80, 0x80, 0x80, 0x18];
    private static readonly byte[] Dcs = [0xFF, 0x13, 0x83, 0x00, 0xC6, 0x10];

    private static ModemProfile Class1Profile => TestProfiles.Class1 with { FlowControl = FlowControl.None };

    [Fact]
    public async Task Serial_transport_on_a_pty_reports_no_modem_control_instead_of_failing()
    {
        await using var pty = await PtyPair.StartAsync();
        await using var transport = SerialModemTransport.Open(pty.DtePath, 115200, FlowControl.RtsCts);
        Assert.False(transport.HasModemControl);
        Assert.Contains("ioctl", transport.ModemControlProblem, StringComparison.OrdinalIgnoreCase);
        Assert.Null(transport.CarrierDetect);
        Assert.False(await transport.DropDtrAsync(TimeSpan.FromMilliseconds(75), TimeProvider.System, TestProfiles.Generous));
        Assert.StartsWith("/dev/pts/", transport.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Class1_call_over_a_pty_dial_frames_and_image_data()
    {
        byte[] page = [0x00, 0x10, 0x80, 0xFF, 0x10];
        var script = new ScriptedModemStream().InitRows(Class1Profile, "AT+FCLASS=1")
            .Exchange(ScriptedModemStream.Bytes("ATDT5550100\r"), [.. ScriptedModemStream.Bytes("\r\nCONNECT\r\n"), .. DleStuffing.StuffAndTerminate(Crc16.AppendFcs(Dis)), .. ScriptedModemStream.Bytes("\r\nOK\r\n")])
            .Exchange("AT+FRS=7\r", "\r\nOK\r\n")
            .Exchange("AT+FTH=3\r", "\r\nCONNECT\r\n")
            .Exchange(DleStuffing.StuffAndTerminate(Dcs), ScriptedModemStream.Bytes("\r\nOK\r\n"))
            .Exchange("AT+FTM=146\r", "\r\nCONNECT\r\n")
            .Expect(DleStuffing.Stuff(page))
            .Exchange([0x10, 0x03], ScriptedModemStream.Bytes("\r\nOK\r\n"))
            .Exchange(ScriptedModemStream.Bytes("AT+FRM=96\r"), [.. ScriptedModemStream.Bytes("\r\nCONNECT\r\n"), .. DleStuffing.StuffAndTerminate(page), .. ScriptedModemStream.Bytes("\r\nNO CARRIER\r\n")])
            .Exchange("ATH0\r", "\r\nOK\r\n");
        await using var pty = await PtyPair.StartAsync();
        pty.Play(script);
        await using var connection = await ModemConnection.OpenAsync(pty.DtePath, Class1Profile);
        var modem = new Class1Modem(connection);
        await modem.InitializeAsync(TestProfiles.Generous);
        Assert.True((await modem.DialAsync("5550100", TestProfiles.Generous)).Connected);
        var dis = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        Assert.Equal(Dis, dis.Frame);
        Assert.True(dis.FcsOk);
        await modem.TurnaroundAsync(TestProfiles.Generous);
        await modem.SendFramesAsync([Dcs], TestProfiles.Generous);
        await using (var tx = await modem.StartImageTransmitAsync(Class1Carrier.V17At14400Short, msbFirstData: false, TestProfiles.Generous))
        {
            await tx.WriteAsync(page, TestProfiles.Generous);
            await tx.CompleteAsync(TestProfiles.Generous);
        }

        var (status, rx) = await modem.StartImageReceiveAsync(Class1Carrier.V29At9600, msbFirstData: false, null, TestProfiles.Generous);
        Assert.Equal(ImageReceiveStatus.Connected, status);
        Assert.Equal(page, await rx!.ReadToEndAsync(TestProfiles.Generous));
        await modem.HangupAsync(TestProfiles.Generous);
        await script.Completed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Class20_receive_over_a_pty()
    {
        var profile = TestProfiles.Class20 with { FlowControl = FlowControl.None };
        byte[] page = [0x01, 0x10, 0x02];
        var script = new ScriptedModemStream()
            .InitRows(profile, "AT+FCLASS=2.0", "AT+FLI=\"GATEWAY\"", "AT+FCC=1,5,0,2,0,0,0,0", "AT+FCR=1", "AT+FBO=0", "AT+FCT=30", "AT+FNR=1,1,1,1")
            .Send("\r\nRING\r\n")
            .Exchange("ATA\r", "\r\n+FCO\r\n\r\n+FTI:\"SENDER\"\r\n\r\n+FCS:1,5,0,2,0,0,0,0\r\n\r\nOK\r\n")
            .Exchange("AT+FDR\r", "\r\nCONNECT\r\n")
            .Exchange([Dle.Dc2], [.. DleStuffing.StuffAndTerminate(page), .. ScriptedModemStream.Bytes("\r\n+FPS:1,1,0,0,0\r\n\r\n+FET:2\r\n\r\nOK\r\n")])
            .Exchange("AT+FDR\r", "\r\n+FHS:00\r\n\r\nOK\r\n");
        await using var pty = await PtyPair.StartAsync();
        pty.Play(script);
        await using var connection = await ModemConnection.OpenAsync(pty.DtePath, profile);
        var modem = new Class2Modem(connection);
        await modem.InitializeAsync("GATEWAY", TestProfiles.Generous);
        Assert.Equal(FaxGateway.Modems.At.UnsolicitedKind.Ring, (await connection.Channel.Unsolicited.ReadAsync(TestProfiles.Generous)).Kind);
        Assert.True((await modem.AnswerAsync(TestProfiles.Generous)).Connected);
        var received = await modem.ReceivePageAsync(TestProfiles.Generous);
        Assert.Equal(new byte[] { 0x80, 0x08, 0x40 }, received!.Data);
        Assert.True(received.IsLast);
        Assert.Null(await modem.ReceivePageAsync(TestProfiles.Generous));
        await script.Completed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Garbage_over_a_pty_breaks_and_resets_the_line_without_hanging()
    {
        var script = new ScriptedModemStream().InitRows(Class1Profile, "AT+FCLASS=1")
            .Exchange("AT+FTS=7\r", "\r\n\u0000\u00FF\u00FE\u0001\u0002\r\n")
            .BreakRows(Class1Profile, "AT+FCLASS=1")
            .Exchange("AT+FTS=7\r", "\r\nOK\r\n");
        await using var pty = await PtyPair.StartAsync();
        pty.Play(script);
        await using var connection = await ModemConnection.OpenAsync(pty.DtePath, Class1Profile);
        var modem = new Class1Modem(connection);
        await modem.InitializeAsync(TestProfiles.Generous);
        var ex = await Assert.ThrowsAsync<ModemException>(() => modem.SendSilenceAsync(TimeSpan.FromMilliseconds(70), TestProfiles.Generous));
        Assert.Equal(ModemFailure.Garbage, ex.Failure);
        Assert.False(connection.IsBroken);
        await modem.SendSilenceAsync(TimeSpan.FromMilliseconds(70), TestProfiles.Generous);
        await script.Completed.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
