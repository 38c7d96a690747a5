using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Tests.Frames;

public sealed class FrameTests
{
    // Spec 3.2: raw (spandsp) and T.30-notation (HylaFAX) values; the raw byte is the T.30 one bit-reversed.
    [Theory]
    [InlineData(FrameType.Dis, 0x80, 0x01)]
    [InlineData(FrameType.Csi, 0x40, 0x02)]
    [InlineData(FrameType.Nsf, 0x20, 0x04)]
    [InlineData(FrameType.Dtc, 0x81, 0x81)]
    [InlineData(FrameType.Cig, 0x41, 0x82)]
    [InlineData(FrameType.Nsc, 0x21, 0x84)]
    [InlineData(FrameType.Pwd, 0xC1, 0x83)]
    [InlineData(FrameType.Sep, 0xA1, 0x85)]
    [InlineData(FrameType.Dcs, 0x82, 0x41)]
    [InlineData(FrameType.Tsi, 0x42, 0x42)]
    [InlineData(FrameType.Nss, 0x22, 0x44)]
    [InlineData(FrameType.Sub, 0xC2, 0x43)]
    [InlineData(FrameType.Sid, 0xA2, 0x45)]
    [InlineData(FrameType.Cfr, 0x84, 0x21)]
    [InlineData(FrameType.Ftt, 0x44, 0x22)]
    [InlineData(FrameType.Ctc, 0x12, 0x48)]
    [InlineData(FrameType.Ctr, 0xC4, 0x23)]
    [InlineData(FrameType.Eom, 0x8E, 0x71)]
    [InlineData(FrameType.Mps, 0x4E, 0x72)]
    [InlineData(FrameType.Eop, 0x2E, 0x74)]
    [InlineData(FrameType.PriEom, 0x9E, 0x79)]
    [InlineData(FrameType.PriMps, 0x5E, 0x7A)]
    [InlineData(FrameType.PriEop, 0x3E, 0x7C)]
    [InlineData(FrameType.Pps, 0xBE, 0x7D)]
    [InlineData(FrameType.Eor, 0xCE, 0x73)]
    [InlineData(FrameType.Err, 0x1C, 0x38)]
    [InlineData(FrameType.Rr, 0x6E, 0x76)]
    [InlineData(FrameType.Rnr, 0xEC, 0x37)]
    [InlineData(FrameType.Mcf, 0x8C, 0x31)]
    [InlineData(FrameType.Rtp, 0xCC, 0x33)]
    [InlineData(FrameType.Rtn, 0x4C, 0x32)]
    [InlineData(FrameType.Pip, 0xAC, 0x35)]
    [InlineData(FrameType.Pin, 0x2C, 0x34)]
    [InlineData(FrameType.Ppr, 0xBC, 0x3D)]
    [InlineData(FrameType.Dcn, 0xFA, 0x5F)]
    [InlineData(FrameType.Crp, 0x1A, 0x58)]
    [InlineData(FrameType.Fnv, 0xCA, 0x53)]
    public void Every_fcf_of_the_spec_has_its_raw_value_and_is_the_bit_reversed_t30_notation(FrameType type, int raw, int t30)
    {
        Assert.Equal(raw, (int)type);
        Assert.Equal(t30, NonStandardFacilities.ReverseBits((byte)raw) & 0xFF);
        Assert.Equal(type, Fcf.TypeOf((byte)raw));
    }

    [Theory]
    [InlineData(0x83, FrameType.Dcs, true)]
    [InlineData(0x2F, FrameType.Eop, true)]
    [InlineData(0x8C, FrameType.Mcf, false)]
    [InlineData(0x81, FrameType.Dtc, false)]
    [InlineData(0x80, FrameType.Dis, false)]
    [InlineData(0x41, FrameType.Cig, false)]
    public void X_bit_is_stripped_except_in_the_identification_group(int raw, FrameType type, bool x)
    {
        Assert.Equal(type, Fcf.TypeOf((byte)raw));
        Assert.Equal(x, Fcf.HasXBit((byte)raw));
    }

    [Fact]
    public void Frame_round_trips_address_control_fcf_fif()
    {
        var frame = T30Frame.Create(FrameType.Dcs, true, [0x00, 0x62, 0x78], final: true);
        Assert.Equal(new byte[] { 0xFF, 0x13, 0x83, 0x00, 0x62, 0x78 }, frame.Bytes.ToArray());
        var parsed = T30Frame.Parse(frame.Bytes.Span);
        Assert.Equal(FrameType.Dcs, parsed.Type);
        Assert.True(parsed.XBit);
        Assert.True(parsed.IsFinal);
        Assert.Equal(new byte[] { 0x00, 0x62, 0x78 }, parsed.Fif.ToArray());
        Assert.False(parsed.WithFinal(false).IsFinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("FF")]
    [InlineData("FF13")]
    [InlineData("FE1380")]
    [InlineData("FF0280")]
    [InlineData("FF5380")]
    public void Garbage_frames_raise_the_domain_exception(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Throws<T30FrameException>(() => T30Frame.Parse(bytes));
        Assert.False(T30Frame.TryParse(bytes, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Over_long_fif_is_rejected()
    {
        var bytes = new byte[3 + T30Frame.MaxFifLength + 1];
        bytes[0] = 0xFF;
        bytes[1] = 0x13;
        bytes[2] = 0x80;
        Assert.Throws<T30FrameException>(() => T30Frame.Parse(bytes));
    }

    [Fact]
    public void Idents_are_sent_last_character_first_and_space_padded()
    {
        var fif = SubscriberIdent.Encode("+49 30 1234");
        Assert.Equal(20, fif.Length);
        Assert.Equal((byte)'+', fif[19]);
        Assert.Equal((byte)'4', fif[9]);
        Assert.Equal((byte)' ', fif[0]);
        Assert.Equal("+49 30 1234", SubscriberIdent.Decode(fif));
        Assert.Throws<T30FrameException>(() => SubscriberIdent.Encode(new string('1', 21)));
        Assert.Equal("?1", SubscriberIdent.Decode([(byte)'1', 0x07]));
    }

    [Fact]
    public void Nsf_is_kept_raw_and_known_vendors_are_named()
    {
        var nsf = NonStandardFacilities.Decode([0x00, 0x00, 0x0E, 0x00, 0x00, 0x96]);
        Assert.Equal("Japan", nsf.Country);
        Assert.Equal("Panasonic", nsf.Vendor);
        Assert.Equal(6, nsf.Raw.Length);

        // USA sent bit-reversed (0xAD) still reads as the United States.
        var usa = NonStandardFacilities.Decode([0xAD, 0x00, 0x36]);
        Assert.Equal("United States", usa.Country);
        Assert.Null(usa.Vendor);

        Assert.Null(NonStandardFacilities.Decode([]).Country);
        var built = NonStandardFacilities.Decode(NonStandardFacilities.Encode(0x86, 0x0016, [1, 2]));
        Assert.Equal("Samsung", built.Vendor);
    }
}
