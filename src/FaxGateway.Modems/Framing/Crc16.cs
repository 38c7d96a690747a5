namespace FaxGateway.Modems.Framing;

/// <summary>
/// The HDLC frame check sequence of T.30 5.3.7 / ISO 3309: CRC-16/CCITT, polynomial x^16+x^12+x^5+1,
/// register preset to ones, bits processed LSB first (reflected 0x8408), the one's complement sent low
/// octet first. Over a frame including its FCS the register ends at the constant <see cref="GoodResidue"/>.
/// </summary>
public static class Crc16
{
    /// <summary>The register preset value.</summary>
    public const ushort Initial = 0xFFFF;

    /// <summary>The remainder left after running a frame and its correct FCS through <see cref="Update"/>.</summary>
    public const ushort GoodResidue = 0xF0B8;

    private static readonly ushort[] Table = BuildTable();

    /// <summary>Runs <paramref name="data"/> through the CRC register <paramref name="crc"/>.</summary>
    public static ushort Update(ushort crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (var b in data)
        {
            crc = (ushort)((crc >> 8) ^ table[(crc ^ b) & 0xFF]);
        }

        return crc;
    }

    /// <summary>The FCS value (already complemented) for <paramref name="frame"/>; it is sent low octet first.</summary>
    public static ushort Compute(ReadOnlySpan<byte> frame) => (ushort)~Update(Initial, frame);

    /// <summary>Writes the two FCS octets of <paramref name="frame"/> into <paramref name="destination"/>, low octet first.</summary>
    public static void WriteFcs(ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        var fcs = Compute(frame);
        destination[0] = (byte)fcs;
        destination[1] = (byte)(fcs >> 8);
    }

    /// <summary>Returns <paramref name="frame"/> followed by its two FCS octets.</summary>
    public static byte[] AppendFcs(ReadOnlySpan<byte> frame)
    {
        var result = new byte[frame.Length + 2];
        frame.CopyTo(result);
        WriteFcs(frame, result.AsSpan(frame.Length));
        return result;
    }

    /// <summary>True when <paramref name="frameWithFcs"/> (at least the two FCS octets) carries a correct FCS.</summary>
    public static bool Check(ReadOnlySpan<byte> frameWithFcs) =>
        frameWithFcs.Length >= 2 && Update(Initial, frameWithFcs) == GoodResidue;

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ 0x8408) : (ushort)(crc >> 1);
            }

            table[i] = crc;
        }

        return table;
    }
}
