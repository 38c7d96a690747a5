namespace FaxGateway.Modems.Framing;

/// <summary>
/// DLE transparency for data going into the data stream: every data 0x10 is doubled, and the
/// stream or frame is closed with <c>&lt;DLE&gt;&lt;ETX&gt;</c> (or a Class 2.0 page marker).
/// </summary>
public static class DleStuffing
{
    /// <summary>The most bytes <see cref="Stuff"/> can write for <paramref name="dataLength"/> data bytes.</summary>
    public static int MaxStuffedLength(int dataLength) => checked(dataLength * 2);

    /// <summary>
    /// Copies <paramref name="data"/> into <paramref name="destination"/> with every DLE doubled.
    /// With <paramref name="useSub"/> (the modem side of T.31 +FDD=1) a pair of data DLEs is written as
    /// <c>&lt;DLE&gt;&lt;SUB&gt;</c>. Returns the number of bytes written.
    /// </summary>
    public static int Stuff(ReadOnlySpan<byte> data, Span<byte> destination, bool useSub = false)
    {
        if (destination.Length < MaxStuffedLength(data.Length))
        {
            // Checking up front keeps the loop free of bounds tests and never writes half a sequence.
            ThrowDestinationTooSmall();
        }

        var written = 0;
        var i = 0;
        while (i < data.Length)
        {
            // Copy runs without DLE in bulk: DLE is rare in fax data.
            var run = data[i..].IndexOf(Dle.Escape);
            if (run < 0)
            {
                data[i..].CopyTo(destination[written..]);
                return written + data.Length - i;
            }

            data.Slice(i, run).CopyTo(destination[written..]);
            written += run;
            i += run;
            if (useSub && i + 1 < data.Length && data[i + 1] == Dle.Escape)
            {
                destination[written++] = Dle.Escape;
                destination[written++] = Dle.Sub;
                i += 2;
            }
            else
            {
                destination[written++] = Dle.Escape;
                destination[written++] = Dle.Escape;
                i++;
            }
        }

        return written;
    }

    /// <summary>Stuffs <paramref name="data"/> into a new array (convenience for frames and tests).</summary>
    public static byte[] Stuff(ReadOnlySpan<byte> data, bool useSub = false)
    {
        var buffer = new byte[MaxStuffedLength(data.Length)];
        var n = Stuff(data, buffer, useSub);
        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>A whole Class 1 HDLC frame or data block as sent to the modem: stuffed data then <c>&lt;DLE&gt;&lt;ETX&gt;</c>.</summary>
    public static byte[] StuffAndTerminate(ReadOnlySpan<byte> data, byte terminator = Dle.Etx)
    {
        var buffer = new byte[MaxStuffedLength(data.Length) + 2];
        var n = Stuff(data, buffer);
        buffer[n++] = Dle.Escape;
        buffer[n++] = terminator;
        return buffer.AsSpan(0, n).ToArray();
    }

    private static void ThrowDestinationTooSmall() =>
        throw new ArgumentException("The destination must hold MaxStuffedLength(data.Length) bytes.", "destination");
}
