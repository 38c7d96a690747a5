using FaxGateway.Imaging.Internal;

namespace FaxGateway.Imaging;

/// <summary>
/// What a push decoder keeps between chunks (like <c>JsonReaderState</c>): the reference row, the undecoded tail of
/// the last chunk, the EOL/RTC bookkeeping and the copy-quality counters. Create it once per call or page size with
/// <see cref="Create"/>, pass it by <c>ref</c> to <see cref="FaxDecoder"/>, and call <see cref="Reset"/> between
/// pages: its buffers are reused, so decoding page after page allocates nothing.
/// Do not copy a state that is in use: copies share buffers.
/// </summary>
public struct FaxDecoderState
{
    internal const int MaxCarryBytes = 1 << 16;

    internal int Width;
    internal FaxCodingOptions Options;
    internal int[]? Reference;
    internal int ReferenceCount;
    internal int[]? Scratch;
    internal byte[]? RowBuffer;
    internal ulong[]? RenderWords;
    internal byte[]? Carry;
    internal int CarryLength;
    internal int CarryBitOffset;
    internal int Rows;
    internal int BadRows;
    internal int ConsecutiveBadRows;
    internal int MaxConsecutiveBadRows;
    internal int RowsWithoutEol;
    internal int RowsWithEol;
    internal int EolRun;
    internal bool SawEol;
    internal bool NextRowOneDimensional;
    internal bool Resync;
    internal bool EndOfPage;
    internal bool EndMarkerSeen;
    internal bool LastRowBad;

    /// <summary>A state for pages of the given width and coding.</summary>
    public static FaxDecoderState Create(int width, FaxCodingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        options.Validate();
        var state = new FaxDecoderState
        {
            Width = width,
            Options = options,
            Reference = new int[ChangingElements.BufferLength(width)],
            Scratch = new int[ChangingElements.BufferLength(width)],
            RowBuffer = new byte[(width + 7) >> 3],
            RenderWords = new ulong[ChangingElements.RenderWords(width)],
        };
        state.Reset();
        return state;
    }

    /// <summary>True once <see cref="Create"/> has set the state up.</summary>
    public readonly bool IsInitialized => Reference is not null;

    /// <summary>Pixels per row.</summary>
    public readonly int PageWidth => Width;

    /// <summary>The coding being decoded.</summary>
    public readonly FaxCodingOptions Coding => Options;

    /// <summary>True after RTC/EOFB, or after the final block ran out of data.</summary>
    public readonly bool IsEndOfPage => EndOfPage;

    /// <summary>Rows and copy-quality counters of the page so far.</summary>
    public readonly FaxDecodeReport Report => new(Rows, BadRows, MaxConsecutiveBadRows, EndMarkerSeen, RowsWithoutEol);

    /// <summary>
    /// True once the page has shown an EOL before each of its rows (two at least, none without): from then on a row
    /// with no EOL before it is the leftover of a damaged row, not a row. A stream that never had EOLs where it
    /// should (some TIFF writers) stays lenient and its rows are decoded and reported as rows without EOL.
    /// </summary>
    internal readonly bool IsEolDelimited => RowsWithEol >= 2 && RowsWithoutEol == 0;

    /// <summary>Starts a new page (or TIFF strip): white reference row, counters cleared, pending input dropped.</summary>
    public void Reset()
    {
        if (Reference is null)
        {
            throw new InvalidOperationException("Create the state with FaxDecoderState.Create first.");
        }

        ResetStrip();
        Rows = 0;
        BadRows = 0;
        ConsecutiveBadRows = 0;
        MaxConsecutiveBadRows = 0;
        RowsWithoutEol = 0;
        RowsWithEol = 0;
        LastRowBad = false;
        EndMarkerSeen = false;
    }

    /// <summary>Starts a new independently coded block (TIFF strip) of the same page: the counters keep counting.</summary>
    public void ResetStrip()
    {
        if (Reference is null)
        {
            throw new InvalidOperationException("Create the state with FaxDecoderState.Create first.");
        }

        Reference.AsSpan(0, ChangingElements.Sentinels).Fill(Width);
        ReferenceCount = 0;
        CarryLength = 0;
        CarryBitOffset = 0;
        EolRun = 0;
        SawEol = false;
        NextRowOneDimensional = true;
        Resync = false;
        EndOfPage = false;
    }
}

/// <summary>Rows decoded and the copy-quality figures T.30 receivers judge a page by.</summary>
/// <param name="Rows">Rows emitted, damaged ones included.</param>
/// <param name="BadRows">Rows that could not be decoded (replaced by the previous row).</param>
/// <param name="MaxConsecutiveBadRows">Longest run of damaged rows.</param>
/// <param name="EndMarkerSeen">RTC or EOFB was found.</param>
/// <param name="RowsWithoutEol">In a stream that should have EOLs, rows that came without one (decoded, but the data does not conform).</param>
public readonly record struct FaxDecodeReport(int Rows, int BadRows, int MaxConsecutiveBadRows, bool EndMarkerSeen, int RowsWithoutEol = 0)
{
    /// <summary>True when the page decoded without damage or non-conformance.</summary>
    public bool IsClean => BadRows == 0 && RowsWithoutEol == 0;
}

/// <summary>Receives rows from <see cref="FaxDecoder.Decode"/> as soon as each row is complete.</summary>
public interface IFaxRowSink
{
    /// <summary>One row: packed, MSB first, 1 = black. A bad row repeats the previous good row.</summary>
    void OnRow(int rowIndex, ReadOnlySpan<byte> packedRow, bool isBad);
}
