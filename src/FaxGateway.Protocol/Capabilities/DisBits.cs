using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Capabilities;

/// <summary>
/// Bit access to DIS/DTC/DCS FIFs in T.30 Table 2 numbering: bit n lives in FIF octet (n-1)/8,
/// mask 1 &lt;&lt; ((n-1)%8) (spandsp <c>set_ctrl_bit</c>). Bits 24, 32, 40 ... are extend bits.
/// </summary>
internal ref struct DisBits
{
    public const int MaxOctets = 12;
    public const int MinOctets = 3;

    private Span<byte> _fif;
    private int _used;

    public DisBits(Span<byte> fif)
    {
        _fif = fif;
        _fif.Clear();
        _used = MinOctets;
    }

    public void Set(int bit, bool value = true)
    {
        if (!value)
        {
            return;
        }

        var index = (bit - 1) / 8;
        _fif[index] |= (byte)(1 << ((bit - 1) % 8));
        if (index + 1 > _used)
        {
            _used = index + 1;
        }
    }

    /// <summary>Sets the extend bits so every used octet after the third is announced; returns the FIF.</summary>
    public readonly byte[] Finish()
    {
        for (var octet = 2; octet < _used - 1; octet++)
        {
            _fif[octet] |= 0x80;
        }

        return _fif[.._used].ToArray();
    }

    /// <summary>Reads a bit of a received FIF, honouring the extend bits (an octet not announced reads as zero).</summary>
    public static bool Get(ReadOnlySpan<byte> fif, int bit)
    {
        var index = (bit - 1) / 8;
        if (index >= fif.Length)
        {
            return false;
        }

        // Octets beyond the third count only if every earlier octet (from the third) sets its extend bit.
        for (var octet = 2; octet < index; octet++)
        {
            if ((fif[octet] & 0x80) == 0)
            {
                return false;
            }
        }

        return (fif[index] & (1 << ((bit - 1) % 8))) != 0;
    }

    public static void RequireLength(ReadOnlySpan<byte> fif, string what)
    {
        if (fif.Length < 2)
        {
            T30FrameException.Throw($"{what} FIF of {fif.Length} octets is too short (bits 9-16 are missing)");
        }
    }

    /// <summary>Minimum scan time code of bits 21-23 (bit 21 most significant) to milliseconds.</summary>
    public static (int Ms, bool HalfAtHigherResolution) DecodeScanTime(int code) => code switch
    {
        0b000 => (20, false),
        0b001 => (40, false),
        0b010 => (10, false),
        0b100 => (5, false),
        0b011 => (10, true),
        0b110 => (20, true),
        0b101 => (40, true),
        _ => (0, false),
    };

    public static int EncodeScanTime(int ms, bool halfAtHigherResolution) => (ms, halfAtHigherResolution) switch
    {
        (0, _) => 0b111,
        (5, _) => 0b100,
        (10, true) => 0b011,
        (10, false) => 0b010,
        (20, true) => 0b110,
        (20, false) => 0b000,
        (40, true) => 0b101,
        (40, false) => 0b001,
        _ => throw new ArgumentOutOfRangeException(nameof(ms), ms, "minimum scan time must be 0, 5, 10, 20 or 40 ms"),
    };

    /// <summary>Recording width, bits 17-18, coded alike in DIS/DTC (the widest the station takes) and DCS:
    /// bit 18 set 2432, else bit 17 set 2048, else 1728.</summary>
    public static PageWidth ReadWidth(ReadOnlySpan<byte> fif) =>
        Get(fif, 18) ? PageWidth.W2432 : Get(fif, 17) ? PageWidth.W2048 : PageWidth.W1728;

    public void WriteWidth(PageWidth width)
    {
        Set(17, width == PageWidth.W2048);
        Set(18, width == PageWidth.W2432);
    }

    /// <summary>Recording length, bits 19-20, coded alike in DIS/DTC (the longest the station takes) and DCS:
    /// bit 20 set unlimited, else bit 19 set B4, else A4.</summary>
    public static PageLength ReadLength(ReadOnlySpan<byte> fif) =>
        Get(fif, 20) ? PageLength.Unlimited : Get(fif, 19) ? PageLength.B4 : PageLength.A4;

    public void WriteLength(PageLength length)
    {
        Set(19, length == PageLength.B4);
        Set(20, length == PageLength.Unlimited);
    }

    public static int ReadScanCode(ReadOnlySpan<byte> fif) =>
        (Get(fif, 21) ? 4 : 0) | (Get(fif, 22) ? 2 : 0) | (Get(fif, 23) ? 1 : 0);

    public void WriteScanCode(int code)
    {
        Set(21, (code & 4) != 0);
        Set(22, (code & 2) != 0);
        Set(23, (code & 1) != 0);
    }
}
