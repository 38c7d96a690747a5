using System.Diagnostics;
using FaxGateway.Modems.Framing;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;

namespace FaxGateway.Simulator.Tests;

/// <summary>Misbehaviours of real modems the simulator reproduces on request, for the drivers' workarounds.</summary>
public sealed class QuirkTests
{
    // A TSI whose FIF holds a DLE octet.
    private static readonly byte[] Tsi = [0xFF, 0x13, 0x42, 0x10, 0x20, 0x31, 0x32];

    private static async Task<(VirtualPstn Pstn, DtePort Caller, DtePort Answerer)> ConnectAsync(VirtualModemOptions callerOptions, PstnOptions options)
    {
        var pstn = new VirtualPstn(options);
        var caller = new DtePort(pstn.AddModem(callerOptions).OpenPort());
        var answererModem = pstn.AddModem();
        var answerer = new DtePort(answererModem.OpenPort());
        await caller.CommandAsync("ATE0;+FCLASS=1");
        await answerer.CommandAsync("ATE0;+FCLASS=1;S0=1");
        await caller.SendAsync($"ATD{answererModem.Number}\r");
        await answerer.ExpectAsync("\r\nCONNECT\r\n");
        return (pstn, caller, answerer);
    }

    [Fact]
    public async Task DLE_bug_delivers_V21_frames_without_doubling()
    {
        var (pstn, caller, answerer) = await ConnectAsync(
            new VirtualModemOptions { Quirks = ModemQuirks.HdlcDleNotDoubled },
            new PstnOptions { RingInterval = TimeSpan.FromMilliseconds(20) });
        await answerer.SendAsync(DleStuffing.StuffAndTerminate(Tsi));
        await answerer.ExpectAsync("\r\nOK\r\n");
        await caller.ExpectAsync("\r\nCONNECT\r\n");
        var raw = await caller.ExpectAsync("\r\nOK\r\n");
        Assert.Equal([.. Crc16.AppendFcs(Tsi), Dle.Escape, Dle.Etx], raw.Select(c => (byte)c).ToArray());
        await pstn.DisposeAsync();
    }

    [Fact]
    public async Task Early_CONNECT_comes_before_training_and_the_data_still_waits_for_it()
    {
        var (pstn, caller, answerer) = await ConnectAsync(
            new VirtualModemOptions { Quirks = ModemQuirks.EarlyTransmitConnect },
            new PstnOptions { RealTime = true, RingInterval = TimeSpan.FromMilliseconds(20), CedDuration = TimeSpan.Zero, Latency = TimeSpan.Zero });
        await answerer.SendAsync(DleStuffing.StuffAndTerminate(Tsi));
        await answerer.ExpectAsync("\r\nOK\r\n");
        await caller.ExpectAsync("\r\nOK\r\n");

        // V.17 7200 long training: 1393 ms; a T.31 modem would say CONNECT only after it.
        var clock = Stopwatch.StartNew();
        await caller.CommandAsync("AT+FTM=73", "CONNECT");
        var connectedAfter = clock.Elapsed;
        await caller.SendAsync(DleStuffing.StuffAndTerminate(new byte[90]));
        await caller.ExpectAsync("\r\nOK\r\n");
        Assert.True(connectedAfter < TimeSpan.FromMilliseconds(1000), $"CONNECT after {connectedAfter}");
        // Training plus 90 octets at 7200 bit/s (100 ms); 20 ms of slack for the pacing timer's granularity.
        Assert.True(clock.Elapsed.TotalMilliseconds is >= 1393 + 100 - 20 and <= 6000, $"OK after {clock.Elapsed}");
        await pstn.DisposeAsync();
    }
}
