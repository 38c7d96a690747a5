using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Capabilities;

/// <summary>
/// The capabilities a DIS (called station) or DTC (polling caller) announces, typed, with encode and
/// decode of the FIF in T.30 Table 2 bit numbering.
/// </summary>
public sealed record FaxCapabilities
{
    /// <summary>Bit 9: has a document to be polled (DIS only).</summary>
    public bool ReadyToTransmit { get; init; }

    /// <summary>Bit 10: ready to receive.</summary>
    public bool ReadyToReceive { get; init; } = true;

    /// <summary>Bits 11-14.</summary>
    public ModemSupport Modems { get; init; } = ModemSupport.V27ter | ModemSupport.V29 | ModemSupport.V17;

    /// <summary>Bits 15, 41, 42, 43 (standard is always present).</summary>
    public FaxResolution Resolutions { get; init; } = FaxResolution.Standard | FaxResolution.Fine | FaxResolution.Superfine;

    /// <summary>MH always; MR bit 16; MMR bit 31 (needs ECM).</summary>
    public FaxCompression Compressions { get; init; } = FaxCompression.MH | FaxCompression.MR | FaxCompression.MMR;

    /// <summary>Bits 17-18: widest scan line.</summary>
    public PageWidth MaxWidth { get; init; } = PageWidth.W1728;

    /// <summary>Bits 19-20: longest recording length.</summary>
    public PageLength MaxLength { get; init; } = PageLength.Unlimited;

    /// <summary>Bit 76: North American Letter.</summary>
    public bool Letter { get; init; } = true;

    /// <summary>Bit 77: North American Legal.</summary>
    public bool Legal { get; init; } = true;

    /// <summary>Bit 27: error correction mode.</summary>
    public bool Ecm { get; init; } = true;

    /// <summary>Bits 21-23: minimum scan line time at standard resolution, in ms (0, 5, 10, 20, 40).</summary>
    public int MinScanTimeMs { get; init; }

    /// <summary>Bits 21-23 codes 011/110/101: the scan time halves at higher resolutions.</summary>
    public bool HalfScanTimeAtHigherResolution { get; init; }

    /// <summary>Bit 26: uncompressed mode.</summary>
    public bool Uncompressed { get; init; }

    /// <summary>Bit 47: selective polling (SEP).</summary>
    public bool SelectivePolling { get; init; }

    /// <summary>Bit 49: subaddressing (SUB).</summary>
    public bool Subaddressing { get; init; }

    /// <summary>Bit 50: password / sender identification (PWD/SID).</summary>
    public bool Password { get; init; }

    /// <summary>The minimum scan time the far end needs for a given resolution.</summary>
    public int MinScanTimeFor(FaxResolution resolution) =>
        HalfScanTimeAtHigherResolution && resolution.IsHigherThanStandard() ? MinScanTimeMs / 2 : MinScanTimeMs;

    public byte[] Encode()
    {
        Span<byte> buffer = stackalloc byte[DisBits.MaxOctets];
        var bits = new DisBits(buffer);
        bits.Set(9, ReadyToTransmit);
        bits.Set(10, ReadyToReceive);
        // Bits 11,12,13,14 (spec 3.3): 0000 V.27ter fallback, 0100 V.27ter, 1000 V.29, 1100 V.27ter+V.29, 1101 +V.17.
        var v17 = Modems.HasFlag(ModemSupport.V17);
        var v29 = Modems.HasFlag(ModemSupport.V29) || v17;
        var v27 = Modems.HasFlag(ModemSupport.V27ter) || v17;
        bits.Set(11, v29);
        bits.Set(12, v27);
        bits.Set(14, v17);
        bits.Set(15, Resolutions.HasFlag(FaxResolution.Fine));
        bits.Set(16, Compressions.HasFlag(FaxCompression.MR));
        bits.WriteWidth(MaxWidth);
        bits.WriteLength(MaxLength);
        bits.WriteScanCode(DisBits.EncodeScanTime(MinScanTimeMs, HalfScanTimeAtHigherResolution));
        bits.Set(26, Uncompressed);
        bits.Set(27, Ecm);
        bits.Set(31, Ecm && Compressions.HasFlag(FaxCompression.MMR));
        bits.Set(41, Resolutions.HasFlag(FaxResolution.Superfine));
        bits.Set(42, Resolutions.HasFlag(FaxResolution.R300));
        bits.Set(43, Resolutions.HasFlag(FaxResolution.R400));
        bits.Set(44, Resolutions.HasFlag(FaxResolution.R300) || Resolutions.HasFlag(FaxResolution.R400));
        bits.Set(47, SelectivePolling);
        bits.Set(49, Subaddressing);
        bits.Set(50, Password);
        bits.Set(76, Letter);
        bits.Set(77, Legal);
        return bits.Finish();
    }

    /// <summary>Decodes a DIS/DTC FIF. Raises <see cref="T30FrameException"/> if it is too short to mean anything.</summary>
    public static FaxCapabilities Decode(ReadOnlySpan<byte> fif)
    {
        DisBits.RequireLength(fif, "DIS/DTC");
        var code = (DisBits.Get(fif, 11) ? 8 : 0) | (DisBits.Get(fif, 12) ? 4 : 0) | (DisBits.Get(fif, 13) ? 2 : 0) | (DisBits.Get(fif, 14) ? 1 : 0);
        var modems = code switch
        {
            0b0100 => ModemSupport.V27ter,
            0b1000 => ModemSupport.V29,
            0b1100 or 0b1110 => ModemSupport.V27ter | ModemSupport.V29,
            0b1101 or 0b1111 => ModemSupport.V27ter | ModemSupport.V29 | ModemSupport.V17,
            _ => ModemSupport.V27terFallbackOnly,
        };
        var resolutions = FaxResolution.Standard;
        if (DisBits.Get(fif, 15))
        {
            resolutions |= FaxResolution.Fine;
        }

        if (DisBits.Get(fif, 41))
        {
            resolutions |= FaxResolution.Superfine;
        }

        if (DisBits.Get(fif, 42))
        {
            resolutions |= FaxResolution.R300;
        }

        if (DisBits.Get(fif, 43))
        {
            resolutions |= FaxResolution.R400;
        }

        var ecm = DisBits.Get(fif, 27);
        var compressions = FaxCompression.MH;
        if (DisBits.Get(fif, 16))
        {
            compressions |= FaxCompression.MR;
        }

        if (ecm && DisBits.Get(fif, 31))
        {
            compressions |= FaxCompression.MMR;
        }

        var (scanMs, half) = DisBits.DecodeScanTime(DisBits.ReadScanCode(fif));
        return new FaxCapabilities
        {
            ReadyToTransmit = DisBits.Get(fif, 9),
            ReadyToReceive = DisBits.Get(fif, 10),
            Modems = modems,
            Resolutions = resolutions,
            Compressions = compressions,
            MaxWidth = DisBits.ReadWidth(fif),
            MaxLength = DisBits.ReadLength(fif),
            Letter = DisBits.Get(fif, 76),
            Legal = DisBits.Get(fif, 77),
            Ecm = ecm,
            MinScanTimeMs = scanMs,
            HalfScanTimeAtHigherResolution = half,
            Uncompressed = DisBits.Get(fif, 26),
            SelectivePolling = DisBits.Get(fif, 47),
            Subaddressing = DisBits.Get(fif, 49),
            Password = DisBits.Get(fif, 50),
        };
    }
}
