using FaxGateway.Modems.Calls;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Transport;
using FaxGateway.Simulator;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;

namespace FaxGateway.Modems.Tests.Calls;

/// <summary>
/// Caller id on the simulated PSTN through the shipped <c>simulator</c> profile (what <c>faxgw run --simulate</c> uses):
/// the profile switches caller-id reporting on itself (<c>AT+VCID=1</c>, as real modems need), and a line that answers
/// on the first RING waits (<c>callerIdWaitMs</c>) for the number that follows it.
/// </summary>
public sealed class SimulatedCallerIdTests
{
    private static CancellationToken Generous => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static ModemProfile Simulator => ModemProfileLoader.LoadBuiltIn().Single(p => p.Name == "simulator");

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    public async Task The_calling_lines_number_arrives_with_the_answering_ring(bool callerIdOnAtPowerOn, int rings)
    {
        var profile = Simulator;
        Assert.Contains("AT+VCID=1", profile.InitCommands);
        Assert.True(profile.CallerIdWaitMs > 0);

        var (ring, _) = await CallAsync(profile, new PstnOptions { RealTime = false, RingsBeforeNoAnswer = 50 }, callerIdOnAtPowerOn, rings);

        Assert.Equal(rings, ring.Rings);
        Assert.Equal("5550100", ring.CallerId.Number);
        Assert.Equal("FAXGW SIM 0", ring.CallerId.Name);
    }

    [Fact]
    public async Task Without_caller_id_on_the_line_the_call_is_answered_after_the_wait()
    {
        var (ring, callerNumber) = await CallAsync(Simulator, new PstnOptions { RealTime = false, RingsBeforeNoAnswer = 50, CallerIdEnabled = false }, true, 1);

        Assert.Equal(1, ring.Rings);
        Assert.Null(ring.CallerId.Number);
        Assert.NotEmpty(callerNumber);
    }

    [Fact]
    public async Task A_profile_without_the_wait_answers_on_the_ring_before_the_caller_id()
    {
        var (ring, _) = await CallAsync(Simulator with { CallerIdWaitMs = 0 }, new PstnOptions { RealTime = false, RingsBeforeNoAnswer = 50 }, true, 1);

        Assert.Null(ring.CallerId.Number);
    }

    /// <summary>A one-page fax from the first line to the second, which answers after <paramref name="rings"/> rings.</summary>
    private static async Task<(IncomingRing Ring, string CallerNumber)> CallAsync(ModemProfile profile, PstnOptions options, bool callerIdOnAtPowerOn, int rings)
    {
        var ct = Generous;

        // Fast mode's own ring cadence (200 ms), and room for a loaded machine before the caller gives up.
        await using var pstn = new VirtualPstn(options);
        var callerModem = pstn.AddModem(new VirtualModemOptions { ShowCallerId = callerIdOnAtPowerOn });
        var calleeModem = pstn.AddModem(new VirtualModemOptions { ShowCallerId = callerIdOnAtPowerOn, CallerName = "CALLEE" });
        await using var caller = new FaxLine(new ModemConnection(new StreamModemTransport(callerModem.OpenPort(), "sim0"), profile), new FaxCallOptions { LocalIdent = callerModem.Number });
        await using var callee = new FaxLine(new ModemConnection(new StreamModemTransport(calleeModem.OpenPort(), "sim1"), profile), new FaxCallOptions { LocalIdent = calleeModem.Number });
        await caller.InitializeAsync(ct);
        await callee.InitializeAsync(ct);

        var answer = Task.Run(
            async () =>
            {
                var ring = await callee.WaitForRingAsync(rings, ct);
                var report = await callee.ReceiveAsync(ct);
                return (ring, report);
            },
            ct);
        var sent = await caller.SendAsync(calleeModem.Number, [TestPages.Make(40, 98, 5)], ct);
        var (ring, received) = await answer;

        Assert.True(sent.Success, sent.HangupText);
        Assert.True(received.Success, received.HangupText);
        return (ring, callerModem.Number);
    }
}
