using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Tests.Scripting;

namespace FaxGateway.Modems.Tests.Class1;

public sealed class Class1AbortTests
{
    [Fact]
    public async Task Cancelling_a_frame_receive_aborts_it_so_the_next_command_is_clean()
    {
        var script = new ScriptedModemStream().InitRows(TestProfiles.Class1, "AT+FCLASS=1")
            .Expect("AT+FRH=3\r")
            .Exchange("\u0018", "\r\nOK\r\n")
            .Exchange("AT+FTH=3\r", "\r\nCONNECT\r\n")
            .Exchange(new byte[] { 0xFF, 0x13, 0x83, 0x00, 0x10, 0x03 }, ScriptedModemStream.Bytes("\r\nOK\r\n"));
        var modem = new Class1Modem(TestProfiles.Connect(script, TestProfiles.Class1));
        await modem.InitializeAsync(TestProfiles.Generous);
        using var cts = new CancellationTokenSource();
        var receive = modem.ReceiveFrameAsync(TimeSpan.FromSeconds(3), cts.Token);
        await At.AtChannelTests.WaitUntil(() => script.RowsLeft == 3);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive);
        await modem.SendFramesAsync([new byte[] { 0xFF, 0x13, 0x83, 0x00 }], TestProfiles.Generous);
        await script.Completed;
        Assert.False(modem.Connection.IsBroken);
    }

    [Fact]
    public async Task Cancelling_a_carrier_wait_aborts_the_frm()
    {
        var script = new ScriptedModemStream().InitRows(TestProfiles.Class1, "AT+FCLASS=1")
            .Expect("AT+FRM=96\r")
            .Exchange("\u0018", "\r\nOK\r\n")
            .Exchange("AT+FRH=3\r", "\r\nNO CARRIER\r\n");
        var modem = new Class1Modem(TestProfiles.Connect(script, TestProfiles.Class1));
        await modem.InitializeAsync(TestProfiles.Generous);
        using var cts = new CancellationTokenSource();
        var receive = modem.StartImageReceiveAsync(Class1Carrier.V29At9600, true, TimeSpan.FromSeconds(6), cts.Token);
        await At.AtChannelTests.WaitUntil(() => script.RowsLeft == 2);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive);
        Assert.Equal(HdlcReceiveStatus.NoCarrier, (await modem.ReceiveFrameAsync(null, TestProfiles.Generous)).Status);
        await script.Completed;
    }
}
