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
        ChangingElements.Render(RowChanges, _state.Width, destination[..((_state.Width + 7) >> 3)]);

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

        if (decoded < rowCount)
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
            var step = ReadPrelude();
            if (step != Step.Row)
            {
                return Stop(step);
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
            if (s.EolRun >= 2)
            {
                // Two EOLs with no row between: RTC (T.4 4.1.4).
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

    private RowError Decode1D(int[] current, out int n)
    {
        var width = _state.Width;
        var a0 = 0;
        var black = false;
        n = 0;
        while (a0 < width)
        {
            var run = DecodeRun(black ? _black : _white, width, out var error);
            if (error != RowError.None)
            {
                return error;
            }

            a0 += run;
            if (a0 > width)
            {
                return RowError.TooLong;
            }

            if (a0 < width)
            {
                if (n > width)
                {
                    return RowError.InvalidCode;
                }

                current[n++] = a0;
            }

            black = !black;
        }

        return RowError.None;
    }

    private RowError Decode2D(int[] current, out int n)
    {
        var width = _state.Width;
        var reference = _state.Reference!;
        var a0 = -1;
        var colour = 0;
        var bi = 0;
        n = 0;
        while (a0 < width)
        {
            if (_count < 16)
            {
                Refill();
            }

            var entry = _modes[_acc >> (64 - T4Codes.ModeBits)];
            switch (T4Codes.Kind(entry))
            {
                case T4CodeKind.Vertical:
                {
                    Consume(T4Codes.Length(entry));
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
                        return RowError.InvalidCode;
                    }

                    if (a1 < width)
                    {
                        if (n > width)
                        {
                            return RowError.InvalidCode;
                        }

                        current[n++] = a1;
                    }

                    a0 = a1;
                    colour ^= 1;
                    break;
                }

                case T4CodeKind.Horizontal:
                {
                    Consume(3);
                    var run1 = DecodeRun(colour == 0 ? _white : _black, width, out var error);
                    if (error != RowError.None)
                    {
                        return error;
                    }

                    var run2 = DecodeRun(colour == 0 ? _black : _white, width, out error);
                    if (error != RowError.None)
                    {
                        return error;
                    }

                    var a1 = (a0 < 0 ? 0 : a0) + run1;
                    var a2 = a1 + run2;
                    if (a2 > width)
                    {
                        return RowError.TooLong;
                    }

                    if (n > width)
                    {
                        return RowError.InvalidCode;
                    }

                    if (a1 < width)
                    {
                        current[n++] = a1;
                        if (a2 < width)
                        {
                            current[n++] = a2;
                        }
                    }

                    a0 = a2;
                    break;
                }

                case T4CodeKind.Pass:
                {
                    Consume(4);
                    if ((bi & 1) != colour)
                    {
                        bi = bi == 0 ? 1 : bi - 1;
                    }

                    while (reference[bi] <= a0)
                    {
                        bi += 2;
                    }

                    a0 = reference[bi + 1];
                    break;
                }

                case T4CodeKind.Zeros:
                    return RowError.PrematureEol;
                default:
                    return RowError.InvalidCode;
            }
        }

        return RowError.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int DecodeRun(uint[] table, int width, out RowError error)
    {
        var run = 0;
        while (true)
        {
            if (_count < 16)
            {
                Refill();
            }

            var entry = table[_acc >> (64 - T4Codes.FirstLevelBits)];
            if (T4Codes.Kind(entry) == T4CodeKind.Link)
            {
                entry = table[T4Codes.Value(entry) + (int)((_acc << T4Codes.FirstLevelBits) >> (64 - T4Codes.Length(entry)))];
            }

            var kind = T4Codes.Kind(entry);
            if (kind == T4CodeKind.Terminating)
            {
                Consume(T4Codes.Length(entry));
                error = RowError.None;
                return run + T4Codes.Value(entry);
            }

            if (kind != T4CodeKind.MakeUp)
            {
                error = kind is T4CodeKind.Eol or T4CodeKind.Zeros ? RowError.PrematureEol : RowError.InvalidCode;
                return 0;
            }

            Consume(T4Codes.Length(entry));
            run += T4Codes.Value(entry);
            if (run > width)
            {
                error = RowError.TooLong;
                return 0;
            }
        }
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
    private void Refill()
    {
        if (_bytePos + 8 <= _data.Length)
        {
            var raw = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), _bytePos));
            if (BitConverter.IsLittleEndian)
            {
                raw = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(raw);
            }

            if (_lsbFirst)
            {
                raw = BitReversal.InBytes(raw);
            }

            _acc |= raw >> _count;
            var take = (63 - _count) >> 3;
            _bytePos += take;
            _count += take << 3;
            return;
        }

        while (_count <= 56)
        {
            ulong b = _bytePos < _data.Length ? _data[_bytePos] : (byte)0;
            if (_lsbFirst)
            {
                b = BitReversal.Table[b];
            }

            _acc |= b << (56 - _count);
            _count += 8;
            _bytePos++;
        }
    }
}
