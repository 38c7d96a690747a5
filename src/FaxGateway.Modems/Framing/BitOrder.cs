namespace FaxGateway.Modems.Framing;

/// <summary>Bit reversal of octets: the boundary between LSB-first line order and MSB-first packed rows.</summary>
public static class BitOrder
{
    private static readonly byte[] ReverseTable = BuildTable();

    /// <summary>The octet with its bit order reversed.</summary>
    public static byte Reverse(byte value) => ReverseTable[value];

    /// <summary>Reverses the bit order of every octet in place.</summary>
    public static void ReverseInPlace(Span<byte> data)
    {
        var table = ReverseTable;
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = table[data[i]];
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> with every octet reversed.</summary>
    public static void Reverse(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var table = ReverseTable;
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = table[source[i]];
        }
    }

    private static byte[] BuildTable()
    {
        var table = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            var r = 0;
            for (var bit = 0; bit < 8; bit++)
            {
                if ((i & (1 << bit)) != 0)
                {
                    r |= 0x80 >> bit;
                }
            }

            table[i] = (byte)r;
        }

        return table;
    }
}
