using FaxGateway.Modems.Calls;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Transport;
using FaxGateway.Simulator;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;

namespace FaxGateway.Modems.Tests.Calls;

/// <summary>
/// Caller id on the simulated PSTN through the shipped <c>simulator</c> profile (what <c>faxgw run --simulate</c> uses):
/// the profile switches caller-id reporting on itself (<c>AT+VCID=1</c>, as real modems need), and the number arrives
/// between the first and the second RING, as on a real line.
/// </summary>
public sealed class SimulatedCallerIdTests
{
    private static CancellationToken Generous => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_calling_lines_number_arrives_before_the_second_ring(bool callerIdOnAtPowerOn)
    {
        var ct = Generous;
        var profile = ModemProfileLoader.LoadBuiltIn().Single(p => p.Name == "simulator");
        Assert.Contains("AT+VCID=1", profile.InitCommands);
        // Fast mode's own ring cadence (200 ms), and room for a loaded machine before the caller gives up.
        await using var pstn = new VirtualPstn(new PstnOptions { RealTime = false, RingsBeforeNoAnswer = 50 });
        var callerModem = pstn.AddModem(new VirtualModemOptions { ShowCallerId = callerIdOnAtPowerOn });
        var calleeModem = pstn.AddModem(new VirtualModemOptions { ShowCallerId = callerIdOnAtPowerOn, CallerName = "CALLEE" });
        await using var caller = new FaxLine(new ModemConnection(new StreamModemTransport(callerModem.OpenPort(), "sim0"), profile), new FaxCallOptions { LocalIdent = callerModem.Number });
        await using var callee = new FaxLine(new ModemConnection(new StreamModemTransport(calleeModem.OpenPort(), "sim1"), profile), new FaxCallOptions { LocalIdent = calleeModem.Number });
        await caller.InitializeAsync(ct);
        await callee.InitializeAsync(ct);

        var answer = Task.Run(
            async () =>
            {
                var ring = await callee.WaitForRingAsync(2, ct);
                var report = await callee.ReceiveAsync(ct);
                return (ring, report);
            },
            ct);
        var sent = await caller.SendAsync(calleeModem.Number, [TestPages.Make(40, 98, 5)], ct);
        var (ring, received) = await answer;

        Assert.True(sent.Success, sent.HangupText);
        Assert.True(received.Success, received.HangupText);
        Assert.Equal(2, ring.Rings);
        Assert.Equal(callerModem.Number, ring.CallerId.Number);
        Assert.False(string.IsNullOrEmpty(ring.CallerId.Name));
    }
}
