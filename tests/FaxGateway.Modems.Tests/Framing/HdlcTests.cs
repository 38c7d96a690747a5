using FaxGateway.Modems.Framing;

namespace FaxGateway.Modems.Tests.Framing;

public sealed class HdlcTests
{
    private static IEnumerable<int> Bits(byte[] stream)
    {
        foreach (var b in stream)
        {
            for (var i = 0; i < 8; i++)
            {
                yield return (b >> i) & 1;
            }
        }
    }

    [Fact]
    public void Flags_are_0x7E_on_the_line()
    {
        var encoder = default(HdlcEncoder);
        var buffer = new byte[4];
        Assert.Equal(3, encoder.WriteFlags(3, buffer));
        Assert.Equal(new byte[] { 0x7E, 0x7E, 0x7E, 0 }, buffer);
    }

    [Fact]
    public void A_zero_is_inserted_after_five_ones()
    {
        var encoder = default(HdlcEncoder);
        var buffer = new byte[HdlcEncoder.MaxFrameLength(1)];
        var n = encoder.WriteFrame([0xFF], buffer);
        var bits = Bits(buffer[..n]).ToArray();
        // 0xFF sent LSB first: 11111 0 111 ...
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 0, 1, 1, 1 }, bits[..9]);
    }

    [Fact]
    public void Encoded_frames_never_contain_six_ones_between_flags()
    {
        var frame = Enumerable.Repeat((byte)0xFF, 40).Concat(Enumerable.Repeat((byte)0x7E, 40)).ToArray();
        var stream = HdlcEncoder.EncodeBurst([frame], preambleFlags: 1);
        var bits = Bits(stream).ToArray();
        // Skip the opening flag; the first run of six ones must be the closing flag at the end of the frame.
        var ones = 0;
        var firstSix = -1;
        for (var i = 8; i < bits.Length; i++)
        {
            ones = bits[i] == 1 ? ones + 1 : 0;
            if (ones == 6)
            {
                firstSix = i;
                break;
            }
        }

        var decoded = new HdlcDecoder().Decode(stream);
        Assert.Single(decoded);
        Assert.True(firstSix > 8 + (frame.Length * 8));
    }

    [Fact]
    public void Round_trip_of_ecm_frames_split_at_every_byte()
    {
        var random = new Random(3);
        var frames = new List<byte[]>();
        for (var seq = 0; seq < 4; seq++)
        {
            var frame = new byte[260];
            random.NextBytes(frame);
            frame[0] = 0xFF;
            frame[1] = 0x03;
            frame[2] = 0x06;
            frame[3] = (byte)seq;
            frames.Add(frame);
        }

        frames.Add([0xFF, 0x03, 0x86]);
        var stream = HdlcEncoder.EncodeBurst(frames, preambleFlags: 10);
        for (var split = 0; split <= stream.Length; split += 7)
        {
            var decoder = new HdlcDecoder();
            var got = new List<HdlcFrame>();
            got.AddRange(decoder.Decode(stream.AsSpan(0, split)));
            got.AddRange(decoder.Decode(stream.AsSpan(split)));
            Assert.Equal(frames.Count, got.Count);
            for (var i = 0; i < frames.Count; i++)
            {
                Assert.True(got[i].FcsOk);
                Assert.Equal(frames[i], got[i].Data);
            }

            Assert.Equal(0, decoder.MalformedFrames);
        }
    }

    [Fact]
    public void A_bit_error_gives_a_bad_fcs_or_a_dropped_frame_never_a_good_wrong_frame()
    {
        byte[] frame = [0xFF, 0x03, 0x06, 0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77];
        var stream = HdlcEncoder.EncodeBurst([frame], preambleFlags: 2);
        for (var bit = 16; bit < (stream.Length * 8) - 16; bit++)
        {
            var damaged = (byte[])stream.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            var decoder = new HdlcDecoder();
            foreach (var got in decoder.Decode(damaged))
            {
                Assert.False(got.FcsOk && !got.Data.AsSpan().SequenceEqual(frame));
            }
        }
    }

    [Fact]
    public void An_abort_drops_the_frame_in_progress()
    {
        // Flag, two data octets, then eight ones (abort), then a good frame.
        var good = HdlcEncoder.EncodeBurst([[0xFF, 0x13, 0x80]], preambleFlags: 1);
        byte[] stream = [0x7E, 0x12, 0x34, 0xFF, .. good];
        var decoder = new HdlcDecoder();
        var frames = decoder.Decode(stream);
        Assert.Single(frames);
        Assert.Equal(new byte[] { 0xFF, 0x13, 0x80 }, frames[0].Data);
        Assert.Equal(1, decoder.Aborts);
    }

    [Fact]
    public void Garbage_is_counted_not_thrown()
    {
        var random = new Random(11);
        var noise = new byte[20000];
        random.NextBytes(noise);
        var decoder = new HdlcDecoder(64);
        var frames = decoder.Decode(noise);
        Assert.All(frames, f => Assert.True(f.Data.Length <= 62));
        Assert.True(decoder.Flags > 0);
        Assert.True(decoder.MalformedFrames + decoder.BadFcsFrames + decoder.Aborts > 0);
    }

    [Fact]
    public void Oversize_frames_are_dropped()
    {
        var stream = HdlcEncoder.EncodeBurst([new byte[100]], preambleFlags: 1);
        var decoder = new HdlcDecoder(50);
        Assert.Empty(decoder.Decode(stream));
        Assert.Equal(1, decoder.MalformedFrames);
    }

    [Fact]
    public void Flush_pads_to_a_byte_boundary_without_creating_a_frame()
    {
        var encoder = default(HdlcEncoder);
        var buffer = new byte[HdlcEncoder.MaxFrameLength(3) + 4];
        var n = encoder.WriteFlags(1, buffer);
        n += encoder.WriteFrame([0xFF, 0xFF, 0xFF], buffer.AsSpan(n));
        n += encoder.Flush(buffer.AsSpan(n));
        Assert.Equal(0, encoder.PendingBits);
        var frames = new HdlcDecoder().Decode(buffer.AsSpan(0, n));
        Assert.Single(frames);
        Assert.True(frames[0].FcsOk);
    }
}
