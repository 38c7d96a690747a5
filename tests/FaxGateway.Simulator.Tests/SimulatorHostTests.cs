using FaxGateway.Simulator.Line;

namespace FaxGateway.Simulator.Tests;

public sealed class SimulatorHostTests
{
    [Fact]
    public async Task In_process_host_gives_numbered_streams_that_call_each_other()
    {
        await using var sim = SimulatorHost.StartInProcess(2, new PstnOptions { RingInterval = TimeSpan.FromMilliseconds(20), FirstNumber = "4000" });
        Assert.Equal(["4000", "4001"], sim.Ports.Select(p => p.Number));
        Assert.All(sim.Ports, p => Assert.Null(p.DevicePath));
        var a = new DtePort(sim.Ports[0].Stream!);
        var b = new DtePort(sim.Ports[1].Stream!);
        await a.CommandAsync("ATE0;+FCLASS=1");
        await b.CommandAsync("ATE0");

        // A data-mode (class 0) answer finds no data modem on a fax call: NO CARRIER on both sides.
        await a.SendAsync("ATD4001\r");
        await b.ExpectAsync("\r\nRING\r\n");
        await b.SendAsync("ATA\r");
        await b.ExpectAsync("\r\nNO CARRIER\r\n");
        await a.ExpectAsync("\r\nNO CARRIER\r\n");
        Assert.Equal(CallEndReason.CalleeHungUp, sim.Pstn.Calls.Single().EndReason);
    }

    [Fact]
    public void Bad_options_are_refused_with_clear_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PstnOptions { Speedup = 0.5 });
        Assert.Throws<ArgumentException>(() => new VirtualPstn(new PstnOptions { FirstNumber = "55x" }));
        var pstn = new VirtualPstn();
        pstn.AddModem(new Modem.VirtualModemOptions { Number = "123" });
        Assert.Throws<ArgumentException>(() => pstn.AddModem(new Modem.VirtualModemOptions { Number = "123" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatorHost.StartInProcess(0));
    }
}
