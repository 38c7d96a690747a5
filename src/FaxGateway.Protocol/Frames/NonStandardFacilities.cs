using System.Buffers.Binary;

namespace FaxGateway.Protocol.Frames;

/// <summary>
/// NSF/NSC/NSS content: kept raw, with the T.35 country and terminal-provider code decoded where we
/// know them. Many terminals send the country code bit-reversed (T.30 before 2003 did not fix the
/// bit order of NSF), so both orders are tried, as spandsp's t35.c does.
/// </summary>
public sealed record NonStandardFacilities(ReadOnlyMemory<byte> Raw, string? Country, string? Vendor)
{
    // T.35 country codes in T.35 notation (and their bit-reversed masquerades).
    private static readonly Dictionary<byte, string> Countries = new()
    {
        [0x00] = "Japan",
        [0x04] = "Germany",
        [0x26] = "China",
        [0x3D] = "France",
        [0x61] = "Korea",
        [0xB4] = "United Kingdom",
        [0xB5] = "United States",
    };

    // Terminal-provider codes as they appear after the raw country octet (facts from spandsp t35.c).
    private static readonly (byte Country, byte[] Provider, string Name)[] Vendors =
    [
        (0x00, [0x00, 0x09], "Xerox/Toshiba"),
        (0x00, [0x00, 0x0E], "Panasonic"),
        (0x00, [0x00, 0x11], "Canon"),
        (0x00, [0x00, 0x19], "Xerox"),
        (0x00, [0x00, 0x21], "OKI Electric/Lanier"),
        (0x00, [0x00, 0x25], "Ricoh"),
        (0x00, [0x00, 0x26], "Konica"),
        (0x00, [0x00, 0x2D], "Sony"),
        (0x00, [0x00, 0x31], "Sharp/Olivetti"),
        (0x00, [0x00, 0x45], "Muratec"),
        (0x00, [0x00, 0x51], "Sanyo"),
        (0x00, [0x00, 0x56], "Brother"),
        (0x00, [0x00, 0x59], "Fujitsu"),
        (0x00, [0x00, 0x61], "Casio"),
        (0x00, [0x00, 0x79], "Panasonic"),
        (0x00, [0x70, 0x00], "Kyocera"),
        (0x00, [0xB0, 0x00], "Minolta"),
        (0x20, [0x41], "Siemens"),
        (0x20, [0x81, 0x80], "AVM"),
        (0x20, [0x81, 0xC0], "Eicon"),
        (0x20, [0xD1], "Ferrari electronik"),
        (0x86, [0x00, 0x10], "Samsung"),
        (0x86, [0x00, 0x16], "Samsung"),
        (0x86, [0x00, 0x5A], "Samsung"),
        (0x86, [0x00, 0x8C], "Samsung"),
    ];

    /// <summary>Decodes an NSF FIF; never throws (unknown codes leave Country/Vendor null).</summary>
    public static NonStandardFacilities Decode(ReadOnlySpan<byte> fif)
    {
        var raw = fif.ToArray();
        if (raw.Length == 0)
        {
            return new NonStandardFacilities(raw, null, null);
        }

        string? country = null;
        if (Countries.TryGetValue(raw[0], out var direct))
        {
            country = direct;
        }
        else if (Countries.TryGetValue(ReverseBits(raw[0]), out var reversed))
        {
            country = reversed;
        }

        string? vendor = null;
        foreach (var (code, provider, name) in Vendors)
        {
            if (raw[0] == code && raw.Length >= 1 + provider.Length && raw.AsSpan(1, provider.Length).SequenceEqual(provider))
            {
                vendor = name;
                break;
            }
        }

        return new NonStandardFacilities(raw, country, vendor);
    }

    /// <summary>Builds an NSF FIF: country code, two-octet provider code, then free data.</summary>
    public static byte[] Encode(byte countryCode, ushort providerCode, ReadOnlySpan<byte> data)
    {
        var fif = new byte[3 + data.Length];
        fif[0] = countryCode;
        BinaryPrimitives.WriteUInt16BigEndian(fif.AsSpan(1), providerCode);
        data.CopyTo(fif.AsSpan(3));
        return fif;
    }

    internal static byte ReverseBits(byte b)
    {
        var v = (uint)b;
        v = ((v & 0xF0) >> 4) | ((v & 0x0F) << 4);
        v = ((v & 0xCC) >> 2) | ((v & 0x33) << 2);
        v = ((v & 0xAA) >> 1) | ((v & 0x55) << 1);
        return (byte)v;
    }

    public override string ToString() =>
        $"NSF {Convert.ToHexString(Raw.Span)} ({Country ?? "unknown country"}, {Vendor ?? "unknown vendor"})";
}
