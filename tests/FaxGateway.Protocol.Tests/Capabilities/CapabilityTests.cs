using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Tests.Capabilities;

public sealed class CapabilityTests
{
    [Fact]
    public void Decodes_the_spandsp_dis_of_the_spec_worked_example()
    {
        // FF 13 80 00 6E B8 00: receive, V.27ter+V.29+V.17, fine, 215 mm, unlimited, 20 ms (half at fine), no ECM.
        var dis = FaxCapabilities.Decode([0x00, 0x6E, 0xB8, 0x00]);
        Assert.True(dis.ReadyToReceive);
        Assert.False(dis.ReadyToTransmit);
        Assert.Equal(ModemSupport.V27ter | ModemSupport.V29 | ModemSupport.V17, dis.Modems);
        Assert.Equal(FaxResolution.Standard | FaxResolution.Fine, dis.Resolutions);
        Assert.Equal(PageWidth.W1728, dis.MaxWidth);
        Assert.Equal(PageLength.Unlimited, dis.MaxLength);
        Assert.Equal(20, dis.MinScanTimeMs);
        Assert.True(dis.HalfScanTimeAtHigherResolution);
        Assert.Equal(10, dis.MinScanTimeFor(FaxResolution.Fine));
        Assert.False(dis.Ecm);
        Assert.Equal(FaxCompression.MH, dis.Compressions);
    }

    [Fact]
    public void Decodes_the_efax_dcs_of_the_spec()
    {
        // Raw DCS 83 00 62 78: receive, V.17 14400, fine, unlimited, 0 ms.
        var dcs = DcsParameters.Decode([0x00, 0x62, 0x78]);
        Assert.True(dcs.ReceiverOperation);
        Assert.Equal(FaxRate.V17_14400, dcs.Rate);
        Assert.Equal(FaxResolution.Fine, dcs.Resolution);
        Assert.Equal(PageLength.Unlimited, dcs.Length);
        Assert.Equal(0, dcs.MinScanTimeMs);
        Assert.Equal(new byte[] { 0x00, 0x62, 0x78 }, (dcs with { }).Encode());
    }

    public static TheoryData<FaxRate> Rates() => new(FaxRate.FallbackOrder);

    [Theory]
    [MemberData(nameof(Rates))]
    public void Every_rate_round_trips_through_dcs_and_ctc(FaxRate rate)
    {
        var dcs = new DcsParameters { Rate = rate };
        Assert.Equal(rate, DcsParameters.Decode(dcs.Encode()).Rate);
        Assert.Equal(rate, DcsParameters.DecodeCtc(DcsParameters.EncodeCtc(rate)));
        Assert.Equal(rate, FaxRate.FromClass1Code(rate.Class1Code(false)));
        Assert.Equal(rate, FaxRate.FromClass1Code(rate.Class1Code(true)));
    }

    [Fact]
    public void Every_dcs_field_round_trips()
    {
        foreach (var resolution in new[] { FaxResolution.Standard, FaxResolution.Fine, FaxResolution.Superfine, FaxResolution.R300, FaxResolution.R400 })
        {
            foreach (var width in Enum.GetValues<PageWidth>())
            {
                foreach (var length in Enum.GetValues<PageLength>())
                {
                    foreach (var (compression, ecm, frame) in new[] { (FaxCompression.MH, false, 256), (FaxCompression.MR, true, 64), (FaxCompression.MMR, true, 256) })
                    {
                        foreach (var scan in new[] { 0, 5, 10, 20, 40 })
                        {
                            var dcs = new DcsParameters
                            {
                                Rate = FaxRate.V29_7200,
                                Resolution = resolution,
                                Width = width,
                                Length = length,
                                Compression = compression,
                                Ecm = ecm,
                                EcmFrameSize = frame,
                                MinScanTimeMs = scan,
                                Letter = length == PageLength.A4,
                                Legal = length == PageLength.B4,
                            };
                            Assert.Equal(dcs, DcsParameters.Decode(dcs.Encode()));
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Every_dis_field_round_trips()
    {
        var full = new FaxCapabilities
        {
            ReadyToTransmit = true,
            Resolutions = FaxResolution.Standard | FaxResolution.Fine | FaxResolution.Superfine | FaxResolution.R300 | FaxResolution.R400,
            MaxWidth = PageWidth.W2432,
            MaxLength = PageLength.B4,
            MinScanTimeMs = 40,
            HalfScanTimeAtHigherResolution = true,
            SelectivePolling = true,
            Subaddressing = true,
            Password = true,
            Uncompressed = true,
        };
        Assert.Equal(full, FaxCapabilities.Decode(full.Encode()));
        var minimal = new FaxCapabilities
        {
            Modems = ModemSupport.V27terFallbackOnly,
            Resolutions = FaxResolution.Standard,
            Compressions = FaxCompression.MH,
            Ecm = false,
            Letter = false,
            Legal = false,
            MaxLength = PageLength.A4,
        };
        var encoded = minimal.Encode();
        Assert.Equal(3, encoded.Length);
        Assert.Equal(minimal, FaxCapabilities.Decode(encoded));
        foreach (var modems in new[] { ModemSupport.V27ter, ModemSupport.V29, ModemSupport.V27ter | ModemSupport.V29 })
        {
            Assert.Equal(modems, FaxCapabilities.Decode((minimal with { Modems = modems }).Encode()).Modems);
        }
    }

    [Fact]
    public void Extend_bits_gate_later_octets()
    {
        var caps = new FaxCapabilities { Letter = true };
        var fif = caps.Encode();
        Assert.Equal(10, fif.Length);
        Assert.True(FaxCapabilities.Decode(fif).Letter);
        fif[4] &= 0x7F; // clear the extend bit of octet 5: octets after it no longer count
        Assert.False(FaxCapabilities.Decode(fif).Letter);
    }

    [Fact]
    public void Short_or_invalid_fifs_raise_the_domain_exception()
    {
        Assert.Throws<T30FrameException>(() => FaxCapabilities.Decode([0x00]));
        Assert.Throws<T30FrameException>(() => DcsParameters.Decode([]));
        // Bits 11-14 = 0010: V.33 14400, not a Class 1 rate.
        Assert.Throws<T30FrameException>(() => DcsParameters.Decode([0x00, 0x10, 0x00]));
        // T.6 without ECM.
        Assert.Throws<T30FrameException>(() => DcsParameters.Decode([0x00, 0x00, 0x80, 0x40]));
    }

    [Fact]
    public void Fallback_order_skips_rates_the_remote_lacks()
    {
        Assert.Equal(FaxRate.V17_12000, FaxRate.V17_14400.NextLower(ModemSupport.V17 | ModemSupport.V29 | ModemSupport.V27ter));
        Assert.Equal(FaxRate.V29_7200, FaxRate.V29_9600.NextLower(ModemSupport.V29 | ModemSupport.V27ter));
        Assert.Equal(FaxRate.V27ter2400, FaxRate.V29_7200.NextLower(ModemSupport.V29));
        Assert.Null(FaxRate.V27ter2400.NextLower(ModemSupport.V29 | ModemSupport.V27ter));
        Assert.Equal(2700, FaxRate.V17_14400.TcfOctets(TimeSpan.FromSeconds(1.5)));
        Assert.Equal(450, FaxRate.V27ter2400.TcfOctets(TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public void Negotiation_picks_the_best_common_mode()
    {
        var local = new FaxCapabilities();
        var remote = new FaxCapabilities
        {
            Modems = ModemSupport.V27ter | ModemSupport.V29,
            Resolutions = FaxResolution.Standard | FaxResolution.Fine,
            Compressions = FaxCompression.MH | FaxCompression.MR,
            Ecm = false,
            MinScanTimeMs = 20,
            HalfScanTimeAtHigherResolution = true,
        };
        var dcs = Negotiation.Choose(local, remote, new FaxPageFormat(FaxResolution.Superfine), FaxRate.V17_14400, true, 256)!;
        Assert.Equal(FaxRate.V29_9600, dcs.Rate);
        Assert.Equal(FaxResolution.Fine, dcs.Resolution);
        Assert.Equal(FaxCompression.MR, dcs.Compression);
        Assert.False(dcs.Ecm);
        Assert.Equal(10, dcs.MinScanTimeMs);
        Assert.Equal(96, dcs.MinBitsPerRow);

        var ecm = Negotiation.Choose(local, new FaxCapabilities(), new FaxPageFormat(FaxResolution.Standard), FaxRate.V17_9600, true, 64)!;
        Assert.Equal(FaxRate.V17_9600, ecm.Rate);
        Assert.Equal(FaxCompression.MMR, ecm.Compression);
        Assert.True(ecm.Ecm);
        Assert.Equal(64, ecm.EcmFrameSize);
        Assert.Equal(FaxResolution.Standard, ecm.Resolution);
    }
}
