using System.Text;
using FaxGateway.Modems.Framing;

namespace FaxGateway.Modems.Tests.Framing;

public sealed class Crc16Tests
{
    [Fact]
    public void Check_value_of_123456789_is_the_published_X25_value()
    {
        // CRC-16/X-25 (the HDLC FCS) catalogue check value.
        Assert.Equal(0x906E, Crc16.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void A_frame_with_its_fcs_leaves_the_good_residue()
    {
        byte[] dis = [0xFF, 0x13, 0x80, 0x00, 0xCE, 0xF4, 0x80, 0x80, 0x81, 0x80, 0x80, 0x80, 0x18];
        var withFcs = Crc16.AppendFcs(dis);
        Assert.True(Crc16.Check(withFcs));
        Assert.Equal(Crc16.GoodResidue, Crc16.Update(Crc16.Initial, withFcs));
    }

    [Fact]
    public void Any_single_bit_error_is_detected()
    {
        var frame = Crc16.AppendFcs([0xFF, 0x03, 0x06, 0x00, 0x55, 0xAA, 0x10, 0x7E]);
        for (var i = 0; i < frame.Length * 8; i++)
        {
            var damaged = (byte[])frame.Clone();
            damaged[i / 8] ^= (byte)(1 << (i % 8));
            Assert.False(Crc16.Check(damaged));
        }
    }

    [Fact]
    public void Too_short_input_is_not_a_good_frame()
    {
        Assert.False(Crc16.Check([0x00]));
        Assert.False(Crc16.Check([]));
    }

    [Fact]
    public void Bit_reversal_table_matches_a_bitwise_reversal()
    {
        for (var i = 0; i < 256; i++)
        {
            var expected = 0;
            for (var b = 0; b < 8; b++)
            {
                expected |= ((i >> b) & 1) << (7 - b);
            }

            Assert.Equal((byte)expected, BitOrder.Reverse((byte)i));
        }

        byte[] data = [0x80, 0x01, 0x0F];
        BitOrder.ReverseInPlace(data);
        Assert.Equal(new byte[] { 0x01, 0x80, 0xF0 }, data);
    }
}
