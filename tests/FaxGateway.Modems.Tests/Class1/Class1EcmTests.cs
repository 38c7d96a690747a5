using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Tests.Scripting;

namespace FaxGateway.Modems.Tests.Class1;

public sealed class Class1EcmTests
{
    private static readonly byte[][] Block =
    [
        [0xFF, 0x03, 0x06, 0x00, .. Enumerable.Range(0, 64).Select(i => (byte)(i * 7))],
        [0xFF, 0x03, 0x06, 0x01, .. Enumerable.Repeat((byte)0x10, 64)],
        [0xFF, 0x03, 0x86],
        [0xFF, 0x03, 0x86],
        [0xFF, 0x03, 0x86],
    ];

    [Fact]
    public async Task Ecm_frames_go_out_hdlc_framed_on_the_high_speed_carrier()
    {
        var written = new List<byte>();
        var script = new ScriptedModemStream().InitRows(TestProfiles.Class1, "AT+FCLASS=1").Exchange("AT+FTM=146\r", "\r\nCONNECT\r\n");
        var modem = new Class1Modem(TestProfiles.Connect(script, TestProfiles.Class1));
        await modem.InitializeAsync(TestProfiles.Generous);

        // The exact line bytes: what our encoder makes, DLE-stuffed, then <DLE><ETX>.
        var encoder = default(HdlcEncoder);
        var buffer = new byte[4096];
        var n = encoder.WriteFlags(20, buffer);
        foreach (var frame in Block)
        {
            n += encoder.WriteFrame(frame, buffer.AsSpan(n));
        }

        n += encoder.WriteFlags(2, buffer.AsSpan(n));
        n += encoder.Flush(buffer.AsSpan(n));
        var line = buffer[..n];
        script.Expect(DleStuffing.Stuff(line)).Exchange([0x10, 0x03], ScriptedModemStream.Bytes("\r\nOK\r\n"));
        await modem.SendHdlcOnCarrierAsync(Class1Carrier.V17At14400Short, Block.Select(f => (ReadOnlyMemory<byte>)f).ToArray(), 20, TestProfiles.Generous);
        await script.Completed;

        // And a decoder on the far side gets every frame back with a good FCS.
        var frames = new HdlcDecoder().Decode(line);
        Assert.Equal(Block.Length, frames.Count);
        Assert.All(frames, f => Assert.True(f.FcsOk));
        Assert.Equal(Block[1], frames[1].Data);
    }

    [Fact]
    public async Task Ecm_frames_are_received_and_a_damaged_one_is_marked()
    {
        var line = HdlcEncoder.EncodeBurst(Block, preambleFlags: 10);
        // Flip one bit inside frame 0's data so its FCS fails (the PPR case).
        line[30] ^= 0x04;
        var script = new ScriptedModemStream().InitRows(TestProfiles.Class1, "AT+FCLASS=1")
            .Exchange(ScriptedModemStream.Bytes("AT+FRM=146\r"), [.. ScriptedModemStream.Bytes("\r\nCONNECT\r\n"), .. DleStuffing.StuffAndTerminate(line), .. ScriptedModemStream.Bytes("\r\nNO CARRIER\r\n")]);
        var modem = new Class1Modem(TestProfiles.Connect(script, TestProfiles.Class1));
        await modem.InitializeAsync(TestProfiles.Generous);
        var (status, frames) = await modem.ReceiveHdlcOnCarrierAsync(Class1Carrier.V17At14400Short, null, TestProfiles.Generous);
        Assert.Equal(ImageReceiveStatus.Connected, status);
        Assert.False(frames[0].FcsOk);
        Assert.True(frames[1].FcsOk);
        Assert.Equal(Block[1], frames[1].Data);
        Assert.Equal(3, frames.Count(f => f.FcsOk && f.Data.SequenceEqual(Block[2])));
        await script.Completed;
    }

    [Fact]
    public async Task Spurious_fcerror_on_frh_is_asked_again_when_the_profile_says_so()
    {
        var profile = TestProfiles.Class1 with { Class1 = TestProfiles.Class1.Class1 with { SpuriousFcError = true } };
        byte[] dis = [0xFF, 0x13, 0x80, 0x00];
        var script = new ScriptedModemStream().InitRows(profile, "AT+FCLASS=1")
            .Exchange("AT+FRH=3\r", "\r\n+FCERROR\r\n")
            .Exchange(ScriptedModemStream.Bytes("AT+FRH=3\r"), [.. ScriptedModemStream.Bytes("\r\nCONNECT\r\n"), .. DleStuffing.StuffAndTerminate(Crc16.AppendFcs(dis)), .. ScriptedModemStream.Bytes("\r\nOK\r\n")]);
        var modem = new Class1Modem(TestProfiles.Connect(script, profile));
        await modem.InitializeAsync(TestProfiles.Generous);
        var frame = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        Assert.Equal(dis, frame.Frame);
        await script.Completed;
    }
}
