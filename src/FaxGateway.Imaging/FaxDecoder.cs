using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FaxGateway.Imaging.Internal;

namespace FaxGateway.Imaging;

/// <summary>
/// Push decoder for T.4 MH/MR and T.6 MMR, in the shape of <c>Utf8JsonReader</c>: construct it over the next chunk
/// of coded bytes with the page's <see cref="FaxDecoderState"/>, call <see cref="TryReadRow"/> until it returns false,
/// and it emits each row as soon as its last code has arrived. A row cut by the end of a chunk is kept in the
/// state and finished by the next chunk, so any split of the input gives the same rows.
/// <para>
/// Streams with EOLs (non-ECM fax) never throw on damaged data: a bad row is replaced by the previous one, counted,
/// and decoding resynchronises on the next EOL. Streams without EOLs (MMR, TIFF RLE) cannot resynchronise, so damage
/// there raises <see cref="FaxCodingException"/>.
/// </para>
/// </summary>
public ref struct FaxDecoder
{
    /// <summary>
    /// EOLs in a row that end a T.4 page. RTC has six, and two must not end it: in MR a white 2-D row is a single
    /// "1" bit after its EOL, so one flip there puts two EOLs side by side and a noisy line would cut the page short.
    /// Five, as spandsp's receiver uses, still ends the page when a hit spoils RTC's first or last EOL.
    /// </summary>
    private const int RtcEolsToEndPage = 5;

    private readonly ref FaxDecoderState _state;
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _totalBits;
    private readonly bool _isFinal;
    private readonly bool _lsbFirst;
    private readonly uint[] _white;
    private readonly uint[] _black;
    private readonly uint[] _modes;
    private ulong _acc;
    private int _count;
    private int _bytePos;
    private long _commit;

    /// <summary>Starts reading <paramref name="chunk"/>, after whatever the state kept from the previous chunk.</summary>
    /// <param name="state">The page's state, from <see cref="FaxDecoderState.Create"/>.</param>
    /// <param name="chunk">The next coded bytes; only read during this reader's lifetime.</param>
    /// <param name="isFinalBlock">No more data follows: a row cut short is damage rather than "wait for more".</param>
    public FaxDecoder(ref FaxDecoderState state, ReadOnlySpan<byte> chunk, bool isFinalBlock)
    {
        if (!state.IsInitialized)
        {
            throw new InvalidOperationException("Create the state with FaxDecoderState.Create first.");
        }

        _state = ref state;
        _isFinal = isFinalBlock;
        _lsbFirst = state.Options.BitOrder == FaxBitOrder.LsbFirst;
        _white = T4Codes.WhiteDecode;
        _black = T4Codes.BlackDecode;
        _modes = T4Codes.ModeDecode;
        var startBit = 0;
        if (state.CarryLength > 0)
        {
            var needed = state.CarryLength + chunk.Length;
            if (state.Carry!.Length < needed)
            {
                var grown = new byte[Math.Max(needed, state.Carry.Length * 2)];
                state.Carry.AsSpan(0, state.CarryLength).CopyTo(grown);
                state.Carry = grown;
            }

            chunk.CopyTo(state.Carry.AsSpan(state.CarryLength));
            _data = state.Carry.AsSpan(0, needed);
            startBit = state.CarryBitOffset;
            state.CarryLength = 0;
            state.CarryBitOffset = 0;
        }
        else
        {
            _data = chunk;
        }

        _totalBits = (long)_data.Length << 3;
        _acc = 0;
        _count = 0;
        _bytePos = 0;
        Refill();
        Consume(startBit);
        _commit = startBit;
    }

    private enum Step
    {
        Row,
        NeedMore,
        End,
    }

    private enum RowError
    {
        None,
        InvalidCode,
        PrematureEol,
        TooLong,
    }

    /// <summary>Changing elements of the row just read (ascending positions where the colour changes, first change to black).</summary>
    public readonly ReadOnlySpan<int> RowChanges => _state.Reference.AsSpan(0, _state.ReferenceCount);

    /// <summary>The row just read could not be decoded and repeats the previous row.</summary>
    public readonly bool RowIsBad => _state.LastRowBad;

    /// <summary>Index of the row just read on its page.</summary>
    public readonly int RowIndex => _state.Rows - 1;

    /// <summary>True after RTC/EOFB, or when the final block ran out of data.</summary>
    public readonly bool IsEndOfPage => _state.EndOfPage;

    /// <summary>Rows and copy-quality counters of the page so far.</summary>
    public readonly FaxDecodeReport Report => _state.Report;

    /// <summary>Position in the current input (kept bytes plus chunk), in bits, up to which everything is decoded.</summary>
    private readonly long Position => ((long)_bytePos << 3) - _count;

    /// <summary>Draws the row just read, packed MSB first with 1 = black, into at least ceil(width/8) bytes.</summary>
    public readonly void CopyRowTo(Span<byte> destination) =>
        ChangingElements.Render(RowChanges, _state.Width, destination[..((_state.Width + 7) >> 3)], _state.RenderWords!);

    /// <summary>
    /// Decodes every row the chunk completes and hands each to <paramref name="sink"/>; returns the page's counters.
    /// </summary>
    public static FaxDecodeReport Decode(ref FaxDecoderState state, ReadOnlySpan<byte> chunk, bool isFinalBlock, IFaxRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var reader = new FaxDecoder(ref state, chunk, isFinalBlock);
        var row = state.RowBuffer!;
        while (reader.TryReadRow())
        {
            reader.CopyRowTo(row);
            sink.OnRow(reader.RowIndex, row, reader.RowIsBad);
        }

        return state.Report;
    }

    /// <summary>
    /// Decodes one block of coded data (a whole page, or a TIFF strip) into rows <paramref name="firstRow"/> onwards of
    /// <paramref name="page"/>, at most <paramref name="rowCount"/> rows. Rows the data does not reach stay white and count as bad.
    /// </summary>
    public static FaxDecodeReport DecodeBlock(ref FaxDecoderState state, ReadOnlySpan<byte> data, PageRaster page, int firstRow, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Width != state.Width)
        {
            throw new ArgumentException($"The page is {page.Width} wide, the decoder state {state.Width}.", nameof(page));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        rowCount = Math.Min(rowCount, page.Height - firstRow);
        var reader = new FaxDecoder(ref state, data, true);
        var decoded = 0;
        while (decoded < rowCount && reader.TryReadRow())
        {
            reader.CopyRowTo(page.Row(firstRow + decoded));
            decoded++;
        }

        if (decoded == rowCount)
        {
            reader.ReadEndMarker();
        }
        else
        {
            // The data ended early: the rest of the block is lost, count it as damage.
            var missing = rowCount - decoded;
            page.Pixels.AsSpan((firstRow + decoded) * page.Stride, missing * page.Stride).Clear();
            state.Rows += missing;
            state.BadRows += missing;
            state.ConsecutiveBadRows += missing;
            state.MaxConsecutiveBadRows = Math.Max(state.MaxConsecutiveBadRows, state.ConsecutiveBadRows);
        }

        return state.Report;
    }

    /// <summary>Decodes a whole page of known size from one buffer.</summary>
    public static PageRaster DecodePage(ReadOnlySpan<byte> data, int width, int height, FaxCodingOptions options, out FaxDecodeReport report, double xDpi = 204, double yDpi = 196)
    {
        var page = new PageRaster(width, height, xDpi, yDpi);
        var state = FaxDecoderState.Create(width, options);
        report = DecodeBlock(ref state, data, page, 0, height);
        return page;
    }

    /// <summary>
    /// Decodes the next row. Returns false when the chunk is used up (the unfinished tail is kept in the state) or the
    /// page has ended (<see cref="IsEndOfPage"/>).
    /// </summary>
    public bool TryReadRow()
    {
        ref var s = ref _state;
        if (s.EndOfPage)
        {
            return false;
        }

        var hasEol = s.Options.HasEol;
        var oneDimensional = s.Options.Coding == FaxCoding.Mh;
        if (s.Resync)
        {
            var found = SeekEol();
            if (found != Step.Row)
            {
                return Stop(found);
            }

            s.Resync = false;
        }

        if (hasEol)
        {
            while (true)
            {
                var step = ReadPrelude();
                if (step != Step.Row)
                {
                    return Stop(step);
                }

                if (s.SawEol || !s.IsEolDelimited)
                {
                    break;
                }

                // Bits left over after a complete row where the stream has had an EOL before every row: a bit
                // error made the previous row's codes add up to the width too early. Decoding the leftovers as a
                // row of their own would add rows that were never sent (a page grows with each hit); count the
                // previous row as damaged and resynchronise on the next EOL, as a receiver on a line does.
                s.BadRows++;
                s.ConsecutiveBadRows++;
                s.MaxConsecutiveBadRows = Math.Max(s.MaxConsecutiveBadRows, s.ConsecutiveBadRows);
                s.LastRowBad = true;
                s.Resync = true;
                _commit = Position;
                var found = SeekEol();
                if (found != Step.Row)
                {
                    return Stop(found);
                }

                s.Resync = false;
            }

            if (s.Options.Coding == FaxCoding.Mr)
            {
                oneDimensional = s.SawEol ? s.NextRowOneDimensional : s.Rows == 0;
            }

        }
        else
        {
            var step = CheckBlockEnd();
            if (step != Step.Row)
            {
                return Stop(step);
            }
        }

        var current = s.Scratch!;
        int n;
        var error = oneDimensional ? Decode1D(current, out n) : Decode2D(current, out n);
        var overrun = Position > _totalBits;
        if ((overrun || (error != RowError.None && Position + 24 > _totalBits)) && !_isFinal)
        {
            // The row is cut by the end of the chunk: keep it for the next one.
            return Stop(Step.NeedMore);
        }

        if (error == RowError.None && !overrun)
        {
            if (s.Options.TiffRle)
            {
                Consume((8 - (int)(Position & 7)) & 7);
            }

            current.AsSpan(n, ChangingElements.Sentinels).Fill(s.Width);
            s.Scratch = s.Reference;
            s.Reference = current;
            s.ReferenceCount = n;
            s.Rows++;
            if (hasEol)
            {
                if (s.SawEol)
                {
                    s.RowsWithEol++;
                }
                else
                {
                    s.RowsWithoutEol++;
                }
            }

            s.ConsecutiveBadRows = 0;
            s.LastRowBad = false;
            s.EolRun = 0;
            s.SawEol = false;
            _commit = Position;
            return true;
        }

        if (!hasEol)
        {
            ThrowUnrecoverable(error, overrun);
        }

        // Non-ECM damage: repeat the previous row, count it, resynchronise on the next EOL.
        s.Rows++;
        s.BadRows++;
        s.ConsecutiveBadRows++;
        s.MaxConsecutiveBadRows = Math.Max(s.MaxConsecutiveBadRows, s.ConsecutiveBadRows);
        s.LastRowBad = true;
        s.EolRun = 0;
        s.SawEol = false;
        if (overrun)
        {
            s.EndOfPage = true;
        }
        else
        {
            s.Resync = true;
            _commit = Position;
        }

        return true;
    }

    /// <summary>After the last expected row: consumes RTC or EOFB if it follows, so the report says whether it was there.</summary>
    private void ReadEndMarker()
    {
        if (_state.EndOfPage || _state.Resync)
        {
            return;
        }

        var step = _state.Options.HasEol ? ReadPrelude() : CheckBlockEnd();
        if (step == Step.End)
        {
            _state.EndOfPage = true;
        }
    }

    private readonly void ThrowUnrecoverable(RowError error, bool overrun)
    {
        var what = overrun ? "the data ends inside the row" : error switch
        {
            RowError.PrematureEol => "an EOL or zero fill appears inside the row",
            RowError.TooLong => "the runs add up to more than the page width",
            _ => "an invalid code",
        };
        FaxThrow.Coding($"{_state.Options.Coding} row {_state.Rows}: {what} (bit {Position} of {_totalBits}); without EOLs the stream cannot be resynchronised.");
    }

    private bool Stop(Step step)
    {
        ref var s = ref _state;
        if (step == Step.End)
        {
            s.EndOfPage = true;
            return false;
        }

        if (_isFinal)
        {
            s.EndOfPage = true;
            return false;
        }

        // Keep everything from the last committed bit for the next chunk.
        var keepBits = _totalBits - _commit;
        if (keepBits > (long)FaxDecoderState.MaxCarryBytes << 3)
        {
            if (!s.Options.HasEol)
            {
                FaxThrow.Coding($"{s.Options.Coding} row {s.Rows}: more than {FaxDecoderState.MaxCarryBytes} bytes without completing a row.");
            }

            // Garbage without any EOL: drop it, count the damage and look for the next EOL.
            s.BadRows++;
            s.Resync = true;
            _commit = _totalBits - 16;
        }

        var startByte = (int)(_commit >> 3);
        var length = _data.Length - startByte;
        if (length <= 0)
        {
            s.CarryLength = 0;
            s.CarryBitOffset = 0;
            return false;
        }

        if (s.Carry is null || s.Carry.Length < length)
        {
            var grown = new byte[Math.Max(length * 2, 4096)];
            _data[startByte..].CopyTo(grown);
            s.Carry = grown;
        }
        else
        {
            _data[startByte..].CopyTo(s.Carry);
        }

        s.CarryLength = length;
        s.CarryBitOffset = (int)(_commit & 7);
        return false;
    }

    /// <summary>
    /// Before a row of an EOL stream: skips fill, consumes EOLs (and MR tag bits), and reports RTC/EOFB as the end.
    /// </summary>
    private Step ReadPrelude()
    {
        ref var s = ref _state;
        while (true)
        {
            if (_count < 32)
            {
                Refill();
            }

            var available = _totalBits - Position;
            if (available <= 0)
            {
                return _isFinal ? Step.End : Step.NeedMore;
            }

            var valid = (int)Math.Min(_count, available);
            var zeros = BitOperations.LeadingZeroCount(_acc);
            if (zeros >= valid)
            {
                if (valid < _count || _bytePos >= _data.Length)
                {
                    // Zeros up to the end of the data: trailing fill, or an EOL still to come.
                    if (_isFinal)
                    {
                        return Step.End;
                    }

                    _commit = Math.Max(_commit, Position + valid - 11);
                    return Step.NeedMore;
                }

                // A long fill: drop all but the last 11 zeros, which may start an EOL.
                Consume(valid - 11);
                _commit = Position;
                continue;
            }

            if (zeros < 11)
            {
                return Step.Row;
            }

            ConsumeLong(zeros + 1);
            if (s.Options.Coding == FaxCoding.Mr)
            {
                if (_count < 1)
                {
                    Refill();
                }

                if (Position >= _totalBits)
                {
                    return _isFinal ? Step.End : Step.NeedMore;
                }

                s.NextRowOneDimensional = (_acc >> 63) != 0;
                Consume(1);
            }

            s.EolRun++;
            s.SawEol = true;
            _commit = Position;
            if (s.EolRun >= RtcEolsToEndPage)
            {
                // RTC is six EOLs with no row between (T.4 4.1.4).
                s.EndMarkerSeen = true;
                return Step.End;
            }
        }
    }

    /// <summary>After a damaged row: skips to the next run of at least 11 zeros followed by a one (an EOL).</summary>
    private Step SeekEol()
    {
        while (true)
        {
            if (_count < 32)
            {
                Refill();
            }

            var available = _totalBits - Position;
            if (available <= 0)
            {
                return _isFinal ? Step.End : Step.NeedMore;
            }

            var valid = (int)Math.Min(_count, available);
            var zeros = BitOperations.LeadingZeroCount(_acc);
            if (zeros >= valid)
            {
                if (valid < _count || _bytePos >= _data.Length)
                {
                    if (_isFinal)
                    {
                        return Step.End;
                    }

                    _commit = Math.Max(_commit, Position + valid - 11);
                    return Step.NeedMore;
                }

                Consume(valid - 11);
                _commit = Position;
                continue;
            }

            if (zeros >= 11)
            {
                return Step.Row;
            }

            ConsumeLong(zeros + 1);
            _commit = Position;
        }
    }

    /// <summary>Streams without EOLs: the end of the data, or MMR's EOFB, ends the page.</summary>
    private Step CheckBlockEnd()
    {
        ref var s = ref _state;
        if (_count < 32)
        {
            Refill();
        }

        var available = _totalBits - Position;
        if (available <= 0)
        {
            return _isFinal ? Step.End : Step.NeedMore;
        }

        if (s.Options.TiffRle)
        {
            return Step.Row;
        }

        if ((_acc >> 40) == ((ulong)T4Codes.EolCode << 12 | T4Codes.EolCode))
        {
            if (available < 24)
            {
                return _isFinal ? Step.End : Step.NeedMore;
            }

            Consume(24);
            s.EndMarkerSeen = true;
            return Step.End;
        }

        if (_isFinal && RestIsZero())
        {
            return Step.End;
        }

        return Step.Row;
    }

    private readonly bool RestIsZero()
    {
        var valid = (int)Math.Min(_count, _totalBits - Position);
        if (valid > 0 && (_acc >> (64 - valid)) != 0)
        {
            return false;
        }

        for (var i = _bytePos; i < _data.Length; i++)
        {
            if (_data[i] != 0)
            {
                return false;
            }
        }

        return true;
    }

    // The row decoders keep the bit reader in locals (acc, count, pos) so the JIT can hold them in registers for
    // the whole row; they are written back to the fields once the row is done or has failed.
    private RowError Decode1D(int[] current, out int n)
    {
        var width = _state.Width;
        var data = _data;
        var lsb = _lsbFirst;
        var acc = _acc;
        var count = _count;
        var pos = _bytePos;
        var white = _white;
        var black = _black;
        var error = RowError.None;
        var a0 = 0;
        var isBlack = false;
        var changes = 0;
        while (a0 < width)
        {
            var run = DecodeRun(data, lsb, ref acc, ref count, ref pos, isBlack ? black : white, width, out error);
            if (error != RowError.None)
            {
                break;
            }

            a0 += run;
            if (a0 > width)
            {
                error = RowError.TooLong;
                break;
            }

            if (a0 < width)
            {
                if ((uint)changes > (uint)width)
                {
                    error = RowError.InvalidCode;
                    break;
                }

                current[changes++] = a0;
            }

            isBlack = !isBlack;
        }

        _acc = acc;
        _count = count;
        _bytePos = pos;
        n = changes;
        return error;
    }

    private RowError Decode2D(int[] current, out int n)
    {
        var width = _state.Width;
        var reference = _state.Reference!;
        var data = _data;
        var lsb = _lsbFirst;
        var acc = _acc;
        var count = _count;
        var pos = _bytePos;
        var modes = _modes;
        var white = _white;
        var black = _black;
        var error = RowError.None;
        var a0 = -1;
        var colour = 0;
        var bi = 0;
        var changes = 0;
        if (current.Length < width + ChangingElements.Sentinels + 2 || reference.Length < width + ChangingElements.Sentinels + 2)
        {
            FaxThrow.Coding("Decoder buffers do not match the page width.");
        }

        while (a0 < width)
        {
            if (count < 16)
            {
                Refill(data, lsb, ref acc, ref count, ref pos);
            }

            var entry = modes[acc >> (64 - T4Codes.ModeBits)];
            var kind = T4Codes.Kind(entry);
            if (kind == T4CodeKind.Vertical)
            {
                var length = T4Codes.Length(entry);
                acc <<= length;
                count -= length;

                // b1: the first change on the reference line right of a0 with the colour opposite a0's.
                if ((bi & 1) != colour)
                {
                    bi = bi == 0 ? 1 : bi - 1;
                }

                while (reference[bi] <= a0)
                {
                    bi += 2;
                }

                var a1 = reference[bi] + T4Codes.Value(entry) - 3;
                if (a1 <= a0 || a1 > width)
                {
                    error = RowError.InvalidCode;
                    break;
                }

                if (a1 < width)
                {
                    if ((uint)changes > (uint)width)
                    {
                        error = RowError.InvalidCode;
                        break;
                    }

                    current[changes++] = a1;
                }

                a0 = a1;
                colour ^= 1;
            }
            else if (kind == T4CodeKind.Horizontal)
            {
                acc <<= 3;
                count -= 3;
                var run1 = DecodeRun(data, lsb, ref acc, ref count, ref pos, colour == 0 ? white : black, width, out error);
                if (error != RowError.None)
                {
                    break;
                }

                var run2 = DecodeRun(data, lsb, ref acc, ref count, ref pos, colour == 0 ? black : white, width, out error);
                if (error != RowError.None)
                {
                    break;
                }

                var a1 = (a0 < 0 ? 0 : a0) + run1;
                var a2 = a1 + run2;
                if (a2 > width)
                {
                    error = RowError.TooLong;
                    break;
                }

                if ((uint)changes > (uint)width)
                {
                    error = RowError.InvalidCode;
                    break;
                }

                if (a1 < width)
                {
                    current[changes++] = a1;
                    if (a2 < width)
                    {
                        current[changes++] = a2;
                    }
                }

                a0 = a2;
            }
            else if (kind == T4CodeKind.Pass)
            {
                acc <<= 4;
                count -= 4;
                if ((bi & 1) != colour)
                {
                    bi = bi == 0 ? 1 : bi - 1;
                }

                while (reference[bi] <= a0)
                {
                    bi += 2;
                }

                a0 = reference[bi + 1];
            }
            else
            {
                error = kind == T4CodeKind.Zeros ? RowError.PrematureEol : RowError.InvalidCode;
                break;
            }
        }

        _acc = acc;
        _count = count;
        _bytePos = pos;
        n = changes;
        return error;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DecodeRun(ReadOnlySpan<byte> data, bool lsb, ref ulong acc, ref int count, ref int pos, uint[] table, int width, out RowError error)
    {
        var run = 0;
        while (true)
        {
            if (count < 16)
            {
                Refill(data, lsb, ref acc, ref count, ref pos);
            }

            var entry = table[acc >> (64 - T4Codes.FirstLevelBits)];
            if (T4Codes.Kind(entry) == T4CodeKind.Link)
            {
                entry = table[T4Codes.Value(entry) + (int)((acc << T4Codes.FirstLevelBits) >> (64 - T4Codes.Length(entry)))];
            }

            var kind = T4Codes.Kind(entry);
            var length = T4Codes.Length(entry);
            if (kind == T4CodeKind.Terminating)
            {
                acc <<= length;
                count -= length;
                error = RowError.None;
                return run + T4Codes.Value(entry);
            }

            if (kind != T4CodeKind.MakeUp)
            {
                error = kind is T4CodeKind.Eol or T4CodeKind.Zeros ? RowError.PrematureEol : RowError.InvalidCode;
                return 0;
            }

            acc <<= length;
            count -= length;
            run += T4Codes.Value(entry);
            if (run > width)
            {
                error = RowError.TooLong;
                return 0;
            }
        }
    }

    /// <summary>Tops up a local accumulator: eight bytes in one load while they last, the slow path near the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Refill(ReadOnlySpan<byte> data, bool lsb, ref ulong acc, ref int count, ref int pos)
    {
        if (pos + 8 <= data.Length)
        {
            var raw = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(data), pos));
            if (BitConverter.IsLittleEndian)
            {
                raw = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(raw);
            }

            if (lsb)
            {
                raw = BitReversal.InBytes(raw);
            }

            acc |= raw >> count;
            var take = (63 - count) >> 3;
            pos += take;
            count += take << 3;
            return;
        }

        (acc, count, pos) = RefillTail(data, lsb, acc, count, pos);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (ulong Acc, int Count, int Pos) RefillTail(ReadOnlySpan<byte> data, bool lsb, ulong acc, int count, int pos)
    {
        while (count <= 56)
        {
            ulong b = pos < data.Length ? data[pos] : (byte)0;
            if (lsb)
            {
                b = BitReversal.Table[b];
            }

            acc |= b << (56 - count);
            count += 8;
            pos++;
        }

        return (acc, count, pos);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Consume(int bits)
    {
        _acc <<= bits;
        _count -= bits;
    }

    private void ConsumeLong(int bits)
    {
        _acc = bits >= 64 ? 0 : _acc << bits;
        _count -= bits;
    }

    /// <summary>Tops the accumulator up to at least 56 bits: eight bytes at once where the data allows, zeros past its end.</summary>
    private void Refill() => Refill(_data, _lsbFirst, ref _acc, ref _count, ref _bytePos);
}
