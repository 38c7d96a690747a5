using FaxGateway.Modems.Framing;

namespace FaxGateway.Modems.Tests.Framing;

public sealed class DleTests
{
    [Fact]
    public void Stuffing_doubles_every_dle()
    {
        Assert.Equal(new byte[] { 0x01, 0x10, 0x10, 0x02, 0x10, 0x10, 0x10, 0x10 }, DleStuffing.Stuff([0x01, 0x10, 0x02, 0x10, 0x10]));
    }

    [Fact]
    public void Stuffing_with_sub_turns_dle_pairs_into_dle_sub()
    {
        Assert.Equal(new byte[] { 0x10, 0x1A, 0x10, 0x10, 0x41 }, DleStuffing.Stuff([0x10, 0x10, 0x10, 0x41], useSub: true));
    }

    [Fact]
    public void Stuff_and_terminate_appends_dle_etx()
    {
        Assert.Equal(new byte[] { 0xFF, 0x13, 0x10, 0x10, 0x10, 0x03 }, DleStuffing.StuffAndTerminate([0xFF, 0x13, 0x10]));
    }

    [Fact]
    public void Stuff_refuses_a_destination_that_is_too_small()
    {
        var buffer = new byte[3];
        Assert.Throws<ArgumentException>(() => DleStuffing.Stuff([0x10, 0x10], buffer));
    }

    [Theory]
    [InlineData(DleEvent.EndOfData, Dle.Etx)]
    [InlineData(DleEvent.PageMps, Dle.PageMps)]
    [InlineData(DleEvent.PageEom, Dle.PageEom)]
    [InlineData(DleEvent.PageEop, Dle.PageEop)]
    [InlineData(DleEvent.Command, Dle.Can)]
    public void Decoder_stops_at_each_escape_sequence(DleEvent expected, byte command)
    {
        var decoder = default(DleDecoder);
        byte[] input = [0x41, 0x10, 0x10, 0x42, 0x10, command, 0x43];
        var output = new byte[16];
        var evt = decoder.Decode(input, output, out var consumed, out var written);
        Assert.Equal(expected, evt);
        Assert.Equal(6, consumed);
        Assert.Equal(new byte[] { 0x41, 0x10, 0x42 }, output[..written]);
        Assert.Equal(command, decoder.LastCommand);
    }

    [Fact]
    public void Dle_sub_yields_two_dles()
    {
        var decoder = default(DleDecoder);
        var output = new byte[8];
        var evt = decoder.Decode([0x10, 0x1A, 0x55], output, out var consumed, out var written);
        Assert.Equal(DleEvent.None, evt);
        Assert.Equal(3, consumed);
        Assert.Equal(new byte[] { 0x10, 0x10, 0x55 }, output[..written]);
    }

    [Fact]
    public void Splitting_the_input_at_every_byte_gives_the_same_output()
    {
        var random = new Random(7);
        var data = new byte[600];
        random.NextBytes(data);
        for (var i = 0; i < data.Length; i += 9)
        {
            data[i] = Dle.Escape;
        }

        var stuffed = DleStuffing.StuffAndTerminate(data);
        for (var split = 0; split <= stuffed.Length; split++)
        {
            var decoder = default(DleDecoder);
            var result = new List<byte>();
            var evt = DleEvent.None;
            foreach (var chunk in new[] { stuffed[..split], stuffed[split..] })
            {
                var rest = chunk.AsSpan();
                while (rest.Length > 0 && evt == DleEvent.None)
                {
                    var output = new byte[5];
                    evt = decoder.Decode(rest, output, out var consumed, out var written);
                    result.AddRange(output[..written]);
                    rest = rest[consumed..];
                }
            }

            Assert.Equal(DleEvent.EndOfData, evt);
            Assert.Equal(data, result.ToArray());
        }
    }

    [Fact]
    public void A_lone_dle_at_the_end_of_a_chunk_is_kept_for_the_next()
    {
        var decoder = default(DleDecoder);
        var output = new byte[8];
        Assert.Equal(DleEvent.None, decoder.Decode([0x41, 0x10], output, out var consumed, out var written));
        Assert.Equal(2, consumed);
        Assert.Equal(1, written);
        Assert.True(decoder.HasPendingEscape);
        Assert.Equal(DleEvent.PageEop, decoder.Decode([(byte)'.'], output, out consumed, out written));
        Assert.Equal(1, consumed);
        Assert.Equal(0, written);
    }

    [Fact]
    public void A_full_destination_consumes_nothing_more()
    {
        var decoder = default(DleDecoder);
        var output = new byte[1];
        var evt = decoder.Decode([0x10, 0x1A], output, out var consumed, out var written);
        Assert.Equal(DleEvent.None, evt);
        // The DLE is taken (pending) but the SUB needs two bytes of room.
        Assert.Equal(1, consumed);
        Assert.Equal(0, written);
        output = new byte[2];
        decoder.Decode([0x1A], output, out consumed, out written);
        Assert.Equal(1, consumed);
        Assert.Equal(new byte[] { 0x10, 0x10 }, output);
    }
}
