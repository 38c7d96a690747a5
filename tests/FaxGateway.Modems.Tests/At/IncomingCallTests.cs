using FaxGateway.Modems.Tests.Scripting;

namespace FaxGateway.Modems.Tests.At;

public sealed class IncomingCallTests
{
    [Fact]
    public async Task Rings_are_counted_and_caller_id_is_gathered()
    {
        var script = new ScriptedModemStream().Send("\r\nRING\r\n\r\nDATE=1122\r\nTIME=2015\r\nNMBR=5550123\r\nNAME=ACME\r\n\r\nRING\r\n\r\nNDID=200\r\n");
        await using var connection = TestProfiles.Connect(script, TestProfiles.Class1);
        var call = await connection.WaitForRingsAsync(2, TestProfiles.Generous);
        Assert.Equal(2, call.Rings);
        Assert.Equal("5550123", call.CallerId.Number);
        Assert.Equal("ACME", call.CallerId.Name);
        Assert.Equal("1122", call.CallerId.Date);
    }

    [Fact]
    public async Task A_vanished_port_ends_the_wait_for_a_call()
    {
        var script = new ScriptedModemStream();
        await using var connection = TestProfiles.Connect(script, TestProfiles.Class1);
        var waiting = connection.WaitForRingsAsync(1, TestProfiles.Generous);
        script.Unplug();
        var ex = await Assert.ThrowsAsync<ModemException>(() => waiting);
        Assert.Equal(ModemFailure.PortClosed, ex.Failure);
    }
}
