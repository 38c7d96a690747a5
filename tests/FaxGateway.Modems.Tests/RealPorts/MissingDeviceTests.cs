using FaxGateway.Modems.Transport;

namespace FaxGateway.Modems.Tests.RealPorts;

public sealed class MissingDeviceTests
{
    [Fact]
    public void A_missing_device_is_a_clear_port_error()
    {
        var ex = Assert.Throws<ModemException>(() => SerialModemTransport.Open("/dev/fgw-no-such-modem"));
        Assert.Equal(ModemFailure.PortClosed, ex.Failure);
        Assert.Contains("no such device", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tcp_modem_that_is_not_listening_is_a_clear_port_error()
    {
        var ex = await Assert.ThrowsAsync<ModemException>(() => ModemEndpoint.OpenAsync("tcp://127.0.0.1:1", 115200, FlowControl.None, CancellationToken.None));
        Assert.Equal(ModemFailure.PortClosed, ex.Failure);
        Assert.Contains("tcp://127.0.0.1:1", ex.Message, StringComparison.Ordinal);
    }
}
