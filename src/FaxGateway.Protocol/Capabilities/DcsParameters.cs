using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Capabilities;

/// <summary>The mode a DCS sets for phase C: one rate, resolution, coding, width, length, ECM framing, scan time.</summary>
public sealed record DcsParameters
{
    /// <summary>Bit 10: receiver operation (always set by a transmitting station).</summary>
    public bool ReceiverOperation { get; init; } = true;

    public FaxRate Rate { get; init; } = FaxRate.V17_14400;

    public FaxResolution Resolution { get; init; } = FaxResolution.Fine;

    public FaxCompression Compression { get; init; } = FaxCompression.MH;

    public PageWidth Width { get; init; } = PageWidth.W1728;

    public PageLength Length { get; init; } = PageLength.A4;

    public bool Letter { get; init; }

    public bool Legal { get; init; }

    public bool Ecm { get; init; }

    /// <summary>64 (bit 28 set) or 256 octets per ECM frame.</summary>
    public int EcmFrameSize { get; init; } = 256;

    /// <summary>Minimum scan line time in ms for this resolution (0, 5, 10, 20, 40).</summary>
    public int MinScanTimeMs { get; init; }

    /// <summary>Minimum coded bits per row (EOL included) the page coder must pad to: scan time x bit rate.
    /// Zero in ECM, where the receiver buffers.</summary>
    public int MinBitsPerRow => Ecm ? 0 : MinScanTimeMs * Rate.BitsPerSecond / 1000;

    public byte[] Encode()
    {
        Span<byte> buffer = stackalloc byte[DisBits.MaxOctets];
        var bits = new DisBits(buffer);
        bits.Set(10, ReceiverOperation);
        WriteRate(ref bits, Rate);
        bits.Set(15, Resolution == FaxResolution.Fine);
        bits.Set(16, Compression == FaxCompression.MR);
        bits.WriteWidth(Width);
        bits.WriteLength(Length);
        bits.WriteScanCode(DisBits.EncodeScanTime(MinScanTimeMs, false));
        bits.Set(27, Ecm);
        bits.Set(28, Ecm && EcmFrameSize == 64);
        bits.Set(31, Compression == FaxCompression.MMR);
        bits.Set(41, Resolution == FaxResolution.Superfine);
        bits.Set(42, Resolution == FaxResolution.R300);
        bits.Set(43, Resolution == FaxResolution.R400);
        bits.Set(44, Resolution is FaxResolution.R300 or FaxResolution.R400);
        bits.Set(76, Letter);
        bits.Set(77, Legal);
        return bits.Finish();
    }

    public static DcsParameters Decode(ReadOnlySpan<byte> fif)
    {
        DisBits.RequireLength(fif, "DCS");
        var resolution = DisBits.Get(fif, 43) ? FaxResolution.R400
            : DisBits.Get(fif, 42) ? FaxResolution.R300
            : DisBits.Get(fif, 41) ? FaxResolution.Superfine
            : DisBits.Get(fif, 15) ? FaxResolution.Fine
            : FaxResolution.Standard;
        var ecm = DisBits.Get(fif, 27);
        var compression = DisBits.Get(fif, 31) ? FaxCompression.MMR : DisBits.Get(fif, 16) ? FaxCompression.MR : FaxCompression.MH;
        if (compression == FaxCompression.MMR && !ecm)
        {
            T30FrameException.Throw("DCS selects T.6 coding without ECM");
        }

        var (scanMs, _) = DisBits.DecodeScanTime(DisBits.ReadScanCode(fif));
        return new DcsParameters
        {
            ReceiverOperation = DisBits.Get(fif, 10),
            Rate = ReadRate(fif),
            Resolution = resolution,
            Compression = compression,
            Width = DisBits.ReadWidth(fif),
            Length = DisBits.ReadLength(fif),
            Letter = DisBits.Get(fif, 76),
            Legal = DisBits.Get(fif, 77),
            Ecm = ecm,
            EcmFrameSize = ecm && DisBits.Get(fif, 28) ? 64 : 256,
            MinScanTimeMs = scanMs,
        };
    }

    /// <summary>DCS rate code of bits 11,12,13,14 (spec 3.3).</summary>
    internal static int RateCode(FaxRate rate) => (rate.Modulation, rate.BitsPerSecond) switch
    {
        (Modulation.V27ter, 2400) => 0b0000,
        (Modulation.V27ter, 4800) => 0b0100,
        (Modulation.V29, 9600) => 0b1000,
        (Modulation.V29, 7200) => 0b1100,
        (Modulation.V17, 14400) => 0b0001,
        (Modulation.V17, 12000) => 0b0101,
        (Modulation.V17, 9600) => 0b1001,
        (Modulation.V17, 7200) => 0b1101,
        _ => throw new ArgumentOutOfRangeException(nameof(rate), rate, "not a T.30 rate"),
    };

    internal static FaxRate RateFromCode(int code) => code switch
    {
        0b0000 => FaxRate.V27ter2400,
        0b0100 => FaxRate.V27ter4800,
        0b1000 => FaxRate.V29_9600,
        0b1100 => FaxRate.V29_7200,
        0b0001 => FaxRate.V17_14400,
        0b0101 => FaxRate.V17_12000,
        0b1001 => FaxRate.V17_9600,
        0b1101 => FaxRate.V17_7200,
        _ => throw new T30FrameException($"DCS rate code {Convert.ToString(code, 2).PadLeft(4, '0')} is not a rate we support (V.33?)"),
    };

    private static void WriteRate(ref DisBits bits, FaxRate rate)
    {
        var code = RateCode(rate);
        bits.Set(11, (code & 8) != 0);
        bits.Set(12, (code & 4) != 0);
        bits.Set(13, (code & 2) != 0);
        bits.Set(14, (code & 1) != 0);
    }

    internal static FaxRate ReadRate(ReadOnlySpan<byte> fif) => RateFromCode(
        (DisBits.Get(fif, 11) ? 8 : 0) | (DisBits.Get(fif, 12) ? 4 : 0) | (DisBits.Get(fif, 13) ? 2 : 0) | (DisBits.Get(fif, 14) ? 1 : 0));

    /// <summary>CTC FIF: two octets carrying DIS/DCS bits 9-16, of which bits 11-14 give the new rate
    /// (T.30 5.3.6.1.8; spandsp puts the DCS rate code in the second octet).</summary>
    public static byte[] EncodeCtc(FaxRate rate)
    {
        Span<byte> buffer = stackalloc byte[DisBits.MaxOctets];
        var bits = new DisBits(buffer);
        WriteRate(ref bits, rate);
        return [0, buffer[1]];
    }

    public static FaxRate DecodeCtc(ReadOnlySpan<byte> fif)
    {
        DisBits.RequireLength(fif, "CTC");
        return ReadRate(fif[..2]);
    }
}
