using FaxGateway.Modems.At;
using FaxGateway.Modems.Tests.Scripting;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Modems.Tests.At;

public sealed class SoftwareFlowControlTests
{
    [Fact]
    public async Task Xoff_holds_data_until_xon_where_no_tty_driver_does_it()
    {
        var script = new ScriptedModemStream().Exchange("AT+FDT\r", "\r\nCONNECT\r\n\u0013").Expect("page");
        await using var channel = new AtChannel(script.Start(), "tcp", new AtChannelOptions { SoftwareFlowControl = true }, new FakeTimeProvider());
        await using var lease = await channel.AcquireAsync(TimeSpan.FromSeconds(1), TestProfiles.Generous);
        await lease.CommandAsync("AT+FDT", AtCommandKind.TransmitData, TimeSpan.FromSeconds(5), TestProfiles.Generous);
        // The XOFF came right behind the CONNECT line.
        await AtChannelTests.WaitUntil(() => channel.IsHeldByXoff);
        var write = lease.WriteAsync(ScriptedModemStream.Bytes("page"), TimeSpan.FromSeconds(30), TestProfiles.Generous);
        Assert.False(write.IsCompleted);
        Assert.Equal(1, script.RowsLeft);
        script.Inject("\u0011");
        await write.WaitAsync(TimeSpan.FromSeconds(10));
        await script.Completed;
    }

    [Fact]
    public async Task A_modem_that_never_sends_xon_times_the_write_out()
    {
        var time = new FakeTimeProvider();
        var script = new ScriptedModemStream().Exchange("AT+FDT\r", "\r\nCONNECT\r\n\u0013");
        await using var channel = new AtChannel(script.Start(), "tcp", new AtChannelOptions { SoftwareFlowControl = true }, time);
        await using var lease = await channel.AcquireAsync(TimeSpan.FromSeconds(1), TestProfiles.Generous);
        await lease.CommandAsync("AT+FDT", AtCommandKind.TransmitData, TimeSpan.FromSeconds(5), TestProfiles.Generous);
        await AtChannelTests.WaitUntil(() => channel.IsHeldByXoff);
        var write = lease.WriteAsync(ScriptedModemStream.Bytes("page"), TimeSpan.FromSeconds(30), TestProfiles.Generous);
        time.Advance(TimeSpan.FromSeconds(31));
        var ex = await Assert.ThrowsAsync<ModemException>(() => write);
        Assert.Equal(ModemFailure.Timeout, ex.Failure);
        Assert.Contains("flow control", ex.Message, StringComparison.Ordinal);
    }
}
