namespace FaxGateway.Modems.Framing;

/// <summary>
/// Bit-level HDLC framing for ECM image data sent on the high-speed carrier (+FTM): a Class 1 modem
/// only does HDLC on V.21, so for T.4 Annex A the DTE makes the bit stream itself (T.30 5.3.6, ISO 3309):
/// flags 0x7E, a zero inserted after five consecutive ones inside a frame, and the CRC-16 FCS.
/// Octets go on the line LSB first and the output is packed the same way (first line bit = bit 0), which
/// is the order a Class 1 modem transmits the bytes it is given. The state is a plain struct: frames
/// can be written in any number of calls and the bit position carries over.
/// </summary>
public struct HdlcEncoder
{
    private const byte Flag = 0x7E;

    private ulong _bits;
    private int _bitCount;
    private int _ones;

    /// <summary>Bits written but not yet a whole output octet.</summary>
    public readonly int PendingBits => _bitCount;

    /// <summary>The most output bytes one <see cref="WriteFrame"/> call of <paramref name="frameLength"/> octets can produce.</summary>
    public static int MaxFrameLength(int frameLength)
    {
        // Body and FCS, plus one stuffed zero per five bits, plus the closing flag and up to 7 pending bits.
        var bits = ((frameLength + 2) * 8) + ((frameLength + 2) * 8 / 5) + 8 + 7;
        return (bits + 7) / 8;
    }

    /// <summary>The most output bytes <see cref="WriteFlags"/> can produce for <paramref name="count"/> flags.</summary>
    public static int MaxFlagsLength(int count) => count + 1;

    /// <summary>Writes <paramref name="count"/> flags (the preamble, or the fill between frames). Returns the bytes written.</summary>
    public int WriteFlags(int count, Span<byte> destination)
    {
        var written = 0;
        for (var i = 0; i < count; i++)
        {
            _bits |= (ulong)Flag << _bitCount;
            _bitCount += 8;
            written += Drain(destination[written..]);
        }

        _ones = 0;
        return written;
    }

    /// <summary>
    /// Writes <paramref name="frame"/> (address, control, FCF, information) with its FCS and zero-bit insertion,
    /// followed by one closing flag. At least one flag must precede the first frame. Returns the bytes written.
    /// </summary>
    public int WriteFrame(ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        if (destination.Length < MaxFrameLength(frame.Length))
        {
            throw new ArgumentException("The destination must hold MaxFrameLength(frame.Length) bytes.", nameof(destination));
        }

        var written = 0;
        foreach (var octet in frame)
        {
            PutOctet(octet);
            written += Drain(destination[written..]);
        }

        var fcs = Crc16.Compute(frame);
        PutOctet((byte)fcs);
        PutOctet((byte)(fcs >> 8));
        written += Drain(destination[written..]);
        written += WriteFlags(1, destination[written..]);
        return written;
    }

    /// <summary>
    /// Completes the last output octet with the leading bits of a flag, so the stream ends on a byte
    /// boundary without a false frame. Returns 0 or 1.
    /// </summary>
    public int Flush(Span<byte> destination)
    {
        if (_bitCount == 0)
        {
            return 0;
        }

        var padBits = 8 - _bitCount;
        _bits |= ((ulong)Flag & ((1UL << padBits) - 1)) << _bitCount;
        _bitCount += padBits;
        _ones = 0;
        return Drain(destination);
    }

    /// <summary>Encodes one complete burst: <paramref name="preambleFlags"/> flags, every frame, and a flush.</summary>
    public static byte[] EncodeBurst(IEnumerable<byte[]> frames, int preambleFlags = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(preambleFlags, 1);
        var encoder = default(HdlcEncoder);
        var output = new List<byte>();
        var scratch = new byte[MaxFlagsLength(preambleFlags)];
        var n = encoder.WriteFlags(preambleFlags, scratch);
        output.AddRange(scratch.AsSpan(0, n).ToArray());
        foreach (var frame in frames)
        {
            var buffer = new byte[MaxFrameLength(frame.Length)];
            n = encoder.WriteFrame(frame, buffer);
            output.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        Span<byte> tail = stackalloc byte[1];
        n = encoder.Flush(tail);
        if (n > 0)
        {
            output.Add(tail[0]);
        }

        return [.. output];
    }

    private void PutOctet(byte octet)
    {
        // One table lookup per octet: the octet with its zeros inserted (8 to 10 bits) for the run of ones carried in.
        var entry = StuffTable[(_ones << 8) | octet];
        _bits |= (ulong)(entry & 0x3FF) << _bitCount;
        _bitCount += (entry >> 10) & 0xF;
        _ones = entry >> 14;
    }

    // Entry: bits 0-9 output bits, 10-13 output length, 14-16 ones carried out; indexed by (ones carried in 0..4) * 256 + octet.
    private static readonly int[] StuffTable = BuildStuffTable();

    private static int[] BuildStuffTable()
    {
        var table = new int[5 * 256];
        for (var onesIn = 0; onesIn < 5; onesIn++)
        {
            for (var octet = 0; octet < 256; octet++)
            {
                int bits = 0, length = 0, ones = onesIn;
                for (var bit = 0; bit < 8; bit++)
                {
                    var one = (octet >> bit) & 1;
                    bits |= one << length;
                    length++;
                    if (one == 0)
                    {
                        ones = 0;
                    }
                    else if (++ones == 5)
                    {
                        // Zero-bit insertion: a zero after five ones keeps data from looking like a flag.
                        length++;
                        ones = 0;
                    }
                }

                table[(onesIn << 8) | octet] = bits | (length << 10) | (ones << 14);
            }
        }

        return table;
    }

    private int Drain(Span<byte> destination)
    {
        var written = 0;
        while (_bitCount >= 8)
        {
            destination[written++] = (byte)_bits;
            _bits >>= 8;
            _bitCount -= 8;
        }

        return written;
    }
}
