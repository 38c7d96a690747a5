using System.Diagnostics;
using FaxGateway.Modems.Framing;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;

namespace FaxGateway.Simulator.Tests;

public sealed class ImpairmentTests
{
    private static readonly byte[] Dcs = [0xFF, 0x13, 0x83, 0x00, 0x62, 0x78];

    /// <summary>Two connected Class 1 modems: A called B, B answered and is in its implicit +FTH=3.</summary>
    private static async Task<(VirtualPstn Pstn, VirtualModem A, VirtualModem B, DtePort PortA, DtePort PortB)> ConnectAsync(PstnOptions? options = null)
    {
        var pstn = new VirtualPstn(options ?? new PstnOptions { RingInterval = TimeSpan.FromMilliseconds(20) });
        var a = pstn.AddModem();
        var b = pstn.AddModem();
        var portA = new DtePort(a.OpenPort());
        var portB = new DtePort(b.OpenPort());
        await portA.CommandAsync("ATE0;+FCLASS=1");
        await portB.CommandAsync("ATE0;+FCLASS=1;S0=1");
        await portA.SendAsync($"ATD{b.Number}\r");
        await portB.ExpectAsync("\r\nCONNECT\r\n");
        return (pstn, a, b, portA, portB);
    }

    [Fact]
    public async Task Corrupted_HDLC_frame_arrives_with_a_bad_FCS_and_ERROR()
    {
        var (pstn, a, _, portA, portB) = await ConnectAsync();
        a.Line.Impairments = new LineImpairments { HdlcFrameCorruptionRate = 1, Seed = 3 };
        await portB.SendAsync(DleStuffing.StuffAndTerminate(Dcs));
        await portB.ExpectAsync("\r\nOK\r\n");
        await portA.ExpectAsync("\r\nCONNECT\r\n");
        var frame = (await portA.ExpectAsync([Dle.Escape, Dle.Etx]));
        await portA.ExpectAsync("\r\nERROR\r\n");
        Assert.Equal(Dcs.Length + 2, frame.Length);
        Assert.False(Crc16.Check(frame));
        Assert.Equal(Dcs[..2], frame[..2]);
        await pstn.DisposeAsync();
    }

    [Fact]
    public async Task Lost_HDLC_frame_gives_NO_CARRIER_when_the_flags_stop()
    {
        var (pstn, a, _, portA, portB) = await ConnectAsync();
        a.Line.Impairments = new LineImpairments { HdlcFrameLossRate = 1 };
        await portB.SendAsync(DleStuffing.StuffAndTerminate(Dcs));
        await portB.ExpectAsync("\r\nOK\r\n");
        Assert.Equal(string.Empty, await portA.ExpectAsync("\r\nNO CARRIER\r\n"));
        Assert.Contains(pstn.Calls.Single().Trace, t => t.Contains("lost", StringComparison.Ordinal));
        await pstn.DisposeAsync();
    }

    [Fact]
    public async Task Bit_errors_in_image_data_follow_the_configured_rate_and_seed()
    {
        static async Task<byte[]> TransferAsync(double rate, int seed)
        {
            var (pstn, a, _, portA, portB) = await ConnectAsync();
            a.Line.Impairments = new LineImpairments { ImageBitErrorRate = rate, Seed = seed };
            await portB.SendAsync(DleStuffing.StuffAndTerminate(Dcs));
            await portB.ExpectAsync("\r\nOK\r\n");
            await portA.ExpectAsync("\r\nOK\r\n");
            await portB.CommandAsync("AT+FTM=96", "CONNECT");
            await portB.SendAsync(DleStuffing.StuffAndTerminate(new byte[20_000]));
            await portB.ExpectAsync("\r\nOK\r\n");
            await portA.CommandAsync("AT+FRM=96", "CONNECT");
            var stuffed = (await portA.ExpectAsync("\r\nNO CARRIER\r\n")).Select(c => (byte)c).ToArray();
            var data = new byte[stuffed.Length];
            var decoder = default(DleDecoder);
            decoder.Decode(stuffed, data, out _, out var written);
            await pstn.DisposeAsync();
            return data[..20_000];
        }

        var first = await TransferAsync(1e-3, 42);
        var again = await TransferAsync(1e-3, 42);
        var errors = first.Sum(b => System.Numerics.BitOperations.PopCount(b));
        Assert.InRange(errors, 100, 220); // 160 expected in 160 000 bits
        Assert.Equal(first, again);
        Assert.Equal(0, (await TransferAsync(0, 42)).Sum(b => System.Numerics.BitOperations.PopCount(b)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(333)]
    [InlineData(4096)]
    public async Task Bit_errors_fall_on_the_same_bits_however_the_senders_writes_were_split(int chunk)
    {
        // The sender's writes reach the line in pieces whose sizes depend on scheduling; a seeded impairment
        // must damage the same bits whatever the pieces were.
        static byte[] Damage(VirtualModem modem, int chunk)
        {
            modem.Line.Impairments = new LineImpairments { ImageBitErrorRate = 1e-3, Seed = 5 };
            var data = new byte[50_000];
            for (var offset = 0; offset < data.Length; offset += chunk)
            {
                modem.Line.Impair(data.AsSpan(offset, Math.Min(chunk, data.Length - offset)));
            }

            return data;
        }

        await using var pstn = new VirtualPstn();
        var modem = pstn.AddModem();
        var whole = Damage(modem, 50_000);
        var split = Damage(modem, chunk);

        Assert.InRange(whole.Sum(b => System.Numerics.BitOperations.PopCount(b)), 300, 500); // 400 expected in 400 000 bits
        Assert.Equal(whole, split);
    }

    [Fact]
    public async Task Far_end_hanging_up_mid_page_gives_NO_CARRIER_on_both_sides()
    {
        var (pstn, a, b, portA, portB) = await ConnectAsync();
        await portB.SendAsync(DleStuffing.StuffAndTerminate(Dcs));
        await portB.ExpectAsync("\r\nOK\r\n");
        await portA.ExpectAsync("\r\nOK\r\n");
        b.Line.HangUpAfterReceivedImageBytes = 1000;
        await portA.CommandAsync("AT+FTM=146", "CONNECT");
        await portB.CommandAsync("AT+FRM=146", "CONNECT");
        for (var i = 0; i < 10; i++)
        {
            await portA.SendAsync(DleStuffing.Stuff(new byte[500]));
        }

        await portA.SendAsync([Dle.Escape, Dle.Etx]);
        await portB.ExpectAsync("\r\nNO CARRIER\r\n");
        await portA.ExpectAsync("\r\nNO CARRIER\r\n");
        Assert.Equal(CallEndReason.CalleeHungUp, pstn.Calls.Single().EndReason);
        await portA.CommandAsync("AT+FRH=3", "NO CARRIER");
        await pstn.DisposeAsync();
    }

    [Fact]
    public async Task Wedged_modem_answers_nothing_until_revived()
    {
        await using var pstn = new VirtualPstn();
        var modem = pstn.AddModem();
        var port = new DtePort(modem.OpenPort());
        await port.CommandAsync("ATE0");
        var swallowed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        modem.InputIgnored += total =>
        {
            if (total >= 5)
            {
                swallowed.TrySetResult();
            }
        };
        modem.StopAnswering();
        await port.SendAsync("ATI3\r");
        await swallowed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        modem.Revive();
        await port.SendAsync("AT\r");
        Assert.Equal(string.Empty, await port.ExpectAsync("\r\nOK\r\n"));
        Assert.Equal(string.Empty, port.Pending);
    }

    [Fact]
    public async Task Unplugged_in_process_port_fails_the_DTE_and_drops_the_call()
    {
        var (pstn, a, b, portA, _) = await ConnectAsync();
        b.Unplug();
        await portA.SendAsync("AT+FRH=3\r");
        await portA.ExpectAsync("\r\nNO CARRIER\r\n");
        var unplugged = new DtePort(pstn.AddModem().OpenPort());
        pstn.Modems[2].Unplug();
        await Assert.ThrowsAsync<IOException>(() => unplugged.CommandAsync("AT"));
        Assert.Equal(CallEndReason.CalleeHungUp, pstn.Calls.Single().EndReason);
        await pstn.DisposeAsync();
    }

    [Fact]
    public async Task Real_time_lines_take_the_training_and_bit_time_of_their_modulation()
    {
        var options = new PstnOptions { RealTime = true, RingInterval = TimeSpan.FromMilliseconds(20), CedDuration = TimeSpan.Zero, Latency = TimeSpan.Zero };
        var (pstn, _, _, portA, portB) = await ConnectAsync(options);
        await portB.SendAsync(DleStuffing.StuffAndTerminate(Dcs));
        await portB.ExpectAsync("\r\nOK\r\n");
        await portA.ExpectAsync("\r\nOK\r\n");

        // The receiver listens first; V.27ter 4800 takes 708 ms of training, then 300 octets take 500 ms.
        await portB.SendAsync("AT+FRM=48\r");
        var clock = Stopwatch.StartNew();
        await portA.CommandAsync("AT+FTM=48", "CONNECT");
        await portA.SendAsync(DleStuffing.StuffAndTerminate(new byte[300]));
        await portA.ExpectAsync("\r\nOK\r\n");
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 1150, 5000);
        await portB.ExpectAsync("\r\nCONNECT\r\n");
        var data = await portB.ExpectAsync("\r\nNO CARRIER\r\n");
        Assert.Equal(300 + 6 + 2, data.Length);

        // On a real line a carrier nobody listened to is gone: a late +FRM hears nothing (a key aborts it).
        await portA.CommandAsync("AT+FTM=48", "CONNECT");
        await portA.SendAsync(DleStuffing.StuffAndTerminate(new byte[30]));
        await portA.ExpectAsync("\r\nOK\r\n");
        await portB.SendAsync("AT+FRM=48\r");
        await portB.SendAsync("X");
        Assert.Equal(string.Empty, await portB.ExpectAsync("\r\nOK\r\n"));
        await pstn.DisposeAsync();
    }

    [Fact]
    public void Modulation_table_matches_T31()
    {
        Assert.Equal("24,48,72,73,74,96,97,98,121,122,145,146", FaxModulation.HighSpeedCodeList);
        Assert.True(FaxModulation.TryFromHighSpeedCode(146, out var v17));
        Assert.Equal((ModemFamily.V17, 14400, true), (v17.Family, v17.BitRate, v17.ShortTraining));
        Assert.True(FaxModulation.TryFromHighSpeedCode(145, out var v17Long));
        Assert.True(v17.CanBeReceivedBy(v17Long));
        Assert.True(FaxModulation.TryFromHighSpeedCode(96, out var v29));
        Assert.True(FaxModulation.TryFromHighSpeedCode(97, out var v17At9600));
        Assert.False(v29.CanBeReceivedBy(v17At9600));
        Assert.False(FaxModulation.TryFromHighSpeedCode(3, out _));
        Assert.Equal(TimeSpan.FromSeconds(1.5), FaxModulation.TryFromHighSpeedCode(96, out var m) ? m.TimeFor(1800) : TimeSpan.Zero);
    }
}
