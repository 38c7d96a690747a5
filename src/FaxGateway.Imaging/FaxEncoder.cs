using System.Buffers;
using System.Runtime.CompilerServices;
using FaxGateway.Imaging.Internal;

namespace FaxGateway.Imaging;

/// <summary>
/// Encodes rows into T.4 MH/MR or T.6 MMR, one row at a time (for a modem sending while it scans) or a whole
/// page. Keeps the reference row and the bits that do not yet fill a byte between rows; reuse one encoder for
/// many pages (<see cref="Finish"/> resets it) and no memory is allocated per page.
/// </summary>
public sealed class FaxEncoder
{
    private readonly FaxCodingOptions _options;
    private readonly bool _lsbFirst;
    private int[] _reference;
    private int[] _current;
    private ulong _pendingBits;
    private int _pendingCount;
    private int _row;

    public FaxEncoder(int width, FaxCodingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        options.Validate();
        Width = width;
        _options = options;
        _lsbFirst = options.BitOrder == FaxBitOrder.LsbFirst;
        _reference = new int[ChangingElements.BufferLength(width)];
        _current = new int[ChangingElements.BufferLength(width)];
        Reset();
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>The coding this encoder produces.</summary>
    public FaxCodingOptions Options => _options;

    /// <summary>Rows encoded on the current page.</summary>
    public int RowsEncoded => _row;

    /// <summary>Upper bound of the bytes one <see cref="EncodeRow(ReadOnlySpan{byte}, IBufferWriter{byte})"/> call writes.</summary>
    public int MaxBytesPerRow => MaxRowBytes(Width, _options);

    /// <summary>Upper bound of the bytes one row of the given width can take in the given coding.</summary>
    public static int MaxRowBytes(int width, FaxCodingOptions options) =>
        checked((width * 2) + (options.MinBitsPerRow / 8) + 64);

    /// <summary>Starts a new page: the reference row becomes white and the K counter restarts.</summary>
    public void Reset()
    {
        _reference.AsSpan(0, ChangingElements.Sentinels).Fill(Width);
        _pendingBits = 0;
        _pendingCount = 0;
        _row = 0;
    }

    /// <summary>Encodes one packed row (MSB first, 1 = black, at least ceil(Width/8) bytes).</summary>
    public void EncodeRow(ReadOnlySpan<byte> packedRow, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (packedRow.Length < (Width + 7) >> 3)
        {
            throw new ArgumentException($"A row of {Width} pixels needs {(Width + 7) >> 3} bytes, got {packedRow.Length}.", nameof(packedRow));
        }

        var n = ChangingElements.Find(packedRow, Width, _current);
        EncodeCurrent(n, output);
    }

    /// <summary>Encodes one row given as ascending changing elements (all below Width), as a decoder produces them.</summary>
    public void EncodeRowChanges(ReadOnlySpan<int> changes, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (changes.Length > Width)
        {
            throw new ArgumentException($"A row of {Width} pixels has at most {Width} changes, got {changes.Length}.", nameof(changes));
        }

        var previous = -1;
        foreach (var c in changes)
        {
            if (c < previous || c >= Width)
            {
                throw new ArgumentException($"Changing elements must ascend and stay below {Width}.", nameof(changes));
            }

            previous = c;
        }

        changes.CopyTo(_current);
        _current.AsSpan(changes.Length, ChangingElements.Sentinels).Fill(Width);
        EncodeCurrent(changes.Length, output);
    }

    /// <summary>Ends the page: writes RTC or EOFB as configured, flushes the last byte and resets for the next page.</summary>
    public void Finish(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(32);
        var writer = new BitWriter(span, _pendingBits, _pendingCount, _lsbFirst);
        switch (_options.EndOfPage)
        {
            case FaxEndOfPage.Rtc:
                for (var i = 0; i < 6; i++)
                {
                    if (_options.Coding == FaxCoding.Mr)
                    {
                        writer.Write((T4Codes.EolCode << 1) | 1, T4Codes.EolLength + 1);
                    }
                    else
                    {
                        writer.Write(T4Codes.EolCode, T4Codes.EolLength);
                    }
                }

                break;
            case FaxEndOfPage.Eofb:
                writer.Write(T4Codes.EolCode, T4Codes.EolLength);
                writer.Write(T4Codes.EolCode, T4Codes.EolLength);
                break;
            default:
                break;
        }

        writer.FlushAll();
        output.Advance(writer.BytesWritten);
        Reset();
    }

    /// <summary>Encodes every row of a page and finishes it.</summary>
    public void EncodePage(PageRaster page, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Width != Width)
        {
            throw new ArgumentException($"The encoder is set up for {Width} pixels, the page is {page.Width} wide.", nameof(page));
        }

        for (var y = 0; y < page.Height; y++)
        {
            EncodeRow(page.ReadRow(y), output);
        }

        Finish(output);
    }

    /// <summary>Encodes a whole page into a new array (convenience; allocates).</summary>
    public static byte[] Encode(PageRaster page, FaxCodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(page);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, page.Pixels.Length / 8));
        new FaxEncoder(page.Width, options).EncodePage(page, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private void EncodeCurrent(int n, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(MaxBytesPerRow);
        var writer = new BitWriter(span, _pendingBits, _pendingCount, _lsbFirst);
        var rowStart = writer.BitPosition;
        var oneDimensional = _options.Coding == FaxCoding.Mh
            || (_options.Coding == FaxCoding.Mr && _row % _options.K == 0);

        if (_options.HasEol)
        {
            if (_options.EolMode == FaxEolMode.EolByteAligned)
            {
                // Fill so the EOL's last bit ends a byte (TIFF T4Options bit 2); a tag bit follows it.
                var pad = (int)((8 - ((writer.BitPosition + T4Codes.EolLength) & 7)) & 7);
                writer.WriteZeros(pad);
            }

            if (_options.Coding == FaxCoding.Mr)
            {
                writer.Write((T4Codes.EolCode << 1) | (oneDimensional ? 1u : 0u), T4Codes.EolLength + 1);
            }
            else
            {
                writer.Write(T4Codes.EolCode, T4Codes.EolLength);
            }
        }

        if (oneDimensional)
        {
            Encode1D(ref writer, _current, n, Width);
        }
        else
        {
            Encode2D(ref writer, _reference, _current, Width);
        }

        if (_options.MinBitsPerRow > 0 && _options.HasEol)
        {
            // Scan-time padding: fill zeros go between the row's data and the next EOL (T.4 4.1.3).
            var used = writer.BitPosition - rowStart;
            if (used < _options.MinBitsPerRow)
            {
                writer.WriteZeros((int)(_options.MinBitsPerRow - used));
            }
        }

        if (_options.TiffRle)
        {
            writer.AlignToByte();
        }

        writer.FlushWholeBytes();
        _pendingBits = writer.Accumulator;
        _pendingCount = writer.BitCount;
        output.Advance(writer.BytesWritten);
        (_reference, _current) = (_current, _reference);
        _row++;
    }

    // The row encoders keep the bit writer's accumulator in locals for the whole row (see BitWriter.Put).
    private static void Encode1D(ref BitWriter writer, int[] changes, int n, int width)
    {
        var destination = writer.Destination;
        var lsb = writer.LsbFirst;
        writer.Save(out var acc, out var bits, out var pos);
        var a0 = 0;
        for (var i = 0; i <= n; i++)
        {
            var a1 = i < n ? changes[i] : width;
            PutRun(destination, lsb, ref acc, ref bits, ref pos, a1 - a0, (i & 1) != 0);
            a0 = a1;
        }

        writer.Restore(acc, bits, pos);
    }

    private static void Encode2D(ref BitWriter writer, int[] reference, int[] current, int width)
    {
        var destination = writer.Destination;
        var lsb = writer.LsbFirst;
        writer.Save(out var acc, out var bits, out var pos);
        var verticalCode = T4Codes.VerticalCode;
        var verticalLength = T4Codes.VerticalLength;
        var a0 = -1;
        var colour = 0;
        var ai = 0;
        var bi = 0;
        while (a0 < width)
        {
            // b1: first changing element on the reference line right of a0 with the colour opposite a0's.
            if ((bi & 1) != colour)
            {
                bi = bi == 0 ? 1 : bi - 1;
            }

            while (reference[bi] <= a0)
            {
                bi += 2;
            }

            var b1 = reference[bi];
            var b2 = reference[bi + 1];
            var a1 = current[ai];
            if (b2 < a1)
            {
                BitWriter.Put(destination, lsb, ref acc, ref bits, ref pos, 0b0001, 4);
                a0 = b2;
                continue;
            }

            var d = a1 - b1;
            if ((uint)(d + 3) <= 6)
            {
                BitWriter.Put(destination, lsb, ref acc, ref bits, ref pos, verticalCode[d + 3], verticalLength[d + 3]);
                a0 = a1;
                colour ^= 1;
                ai++;
                continue;
            }

            var a2 = current[ai + 1];
            BitWriter.Put(destination, lsb, ref acc, ref bits, ref pos, 0b001, 3);
            var start = a0 < 0 ? 0 : a0;
            PutRun(destination, lsb, ref acc, ref bits, ref pos, a1 - start, colour != 0);
            PutRun(destination, lsb, ref acc, ref bits, ref pos, a2 - a1, colour == 0);
            a0 = a2;
            ai += 2;
        }

        writer.Restore(acc, bits, pos);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutRun(Span<byte> destination, bool lsb, ref ulong acc, ref int bits, ref int pos, int run, bool black)
    {
        if (run >= T4Codes.CombinedRuns)
        {
            PutMakeUp(destination, lsb, ref acc, ref bits, ref pos, ref run, black);
        }

        // Make-up and terminating code in one write (T4Codes.WhiteRunCode/BlackRunCode).
        if (black)
        {
            BitWriter.Put(destination, lsb, ref acc, ref bits, ref pos, T4Codes.BlackRunCode[run], T4Codes.BlackRunLength[run]);
        }
        else
        {
            BitWriter.Put(destination, lsb, ref acc, ref bits, ref pos, T4Codes.WhiteRunCode[run], T4Codes.WhiteRunLength[run]);
        }
    }

    private static void PutMakeUp(Span<byte> destination, bool lsb, ref ulong acc, ref int bits, ref int pos, ref int run, bool black)
    {
        var codes = black ? T4Codes.BlackMakeUpCode : T4Codes.WhiteMakeUpCode;
        var lengths = black ? T4Codes.BlackMakeUpLength : T4Codes.WhiteMakeUpLength;

        // Runs past 2623 use 2560 make-ups first (T.4 4.1.1.1), as libtiff does.
        while (run >= 2624)
        {
            BitWriter.Put(destination, lsb, ref acc, ref bits, ref pos, codes[39], lengths[39]);
            run -= 2560;
        }
    }
}
