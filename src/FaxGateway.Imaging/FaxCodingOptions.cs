namespace FaxGateway.Imaging;

/// <summary>The three ITU-T coding schemes fax lines and TIFF files use.</summary>
public enum FaxCoding
{
    /// <summary>T.4 one-dimensional Modified Huffman (TIFF Compression=2 or 3 1-D).</summary>
    Mh,

    /// <summary>T.4 two-dimensional Modified READ, a 1-D row every K rows (TIFF Compression=3, T4Options bit 0).</summary>
    Mr,

    /// <summary>T.6 Modified Modified READ: every row 2-D, no EOLs (TIFF Compression=4).</summary>
    Mmr,
}

/// <summary>How rows are delimited in a T.4 stream.</summary>
public enum FaxEolMode
{
    /// <summary>No EOL codes (MMR, TIFF compression 2, or T.4 MH without EOL).</summary>
    None,

    /// <summary>An EOL before every row, as on the line and in TIFF G3 (T4Options bit 2 clear).</summary>
    Eol,

    /// <summary>EOL with fill bits so that every EOL ends on a byte boundary (TIFF T4Options bit 2).</summary>
    EolByteAligned,
}

/// <summary>Bit order inside each byte of coded data.</summary>
public enum FaxBitOrder
{
    /// <summary>First bit of the code in the most significant bit (TIFF FillOrder=1, MSB2LSB).</summary>
    MsbFirst,

    /// <summary>First bit of the code in the least significant bit: the order bits leave a fax modem (TIFF FillOrder=2).</summary>
    LsbFirst,
}

/// <summary>What closes a coded page.</summary>
public enum FaxEndOfPage
{
    /// <summary>Nothing: the row count is known from elsewhere (TIFF strips with T4Options no RTC, compression 2).</summary>
    None,

    /// <summary>Return To Control: six EOLs (MH), six EOL+1 (MR).</summary>
    Rtc,

    /// <summary>End Of Facsimile Block: two EOLs (T.6).</summary>
    Eofb,
}

/// <summary>
/// Everything that fixes the bit stream of a coded page besides the pixels: the scheme, K, row delimiting,
/// bit order, scan-time padding and the end-of-page marker. <see cref="Validate"/> rejects combinations no
/// standard defines (MR without EOL, EOFB outside MMR).
/// </summary>
/// <param name="Coding">MH, MR or MMR.</param>
/// <param name="K">MR only: one 1-D row, then K-1 2-D rows (T.4 says 2 at standard and 4 at fine resolution).</param>
/// <param name="EolMode">Row delimiting; MMR and TIFF RLE use <see cref="FaxEolMode.None"/>.</param>
/// <param name="TiffRle">TIFF compression 2 (CCITT RLE): MH, no EOL, each row starts on a byte boundary.</param>
/// <param name="BitOrder">Bit order of the coded bytes.</param>
/// <param name="MinBitsPerRow">Scan-time padding: fill zeros before each EOL until a row (EOL included) has at least this many bits.</param>
/// <param name="EndOfPage">RTC, EOFB or nothing after the last row.</param>
public readonly record struct FaxCodingOptions(
    FaxCoding Coding,
    int K = 1,
    FaxEolMode EolMode = FaxEolMode.Eol,
    bool TiffRle = false,
    FaxBitOrder BitOrder = FaxBitOrder.MsbFirst,
    int MinBitsPerRow = 0,
    FaxEndOfPage EndOfPage = FaxEndOfPage.Rtc)
{
    /// <summary>T.4 MH as sent on a fax line: EOL per row, RTC.</summary>
    public static FaxCodingOptions Mh => new(FaxCoding.Mh);

    /// <summary>T.4 MR with K=4 (fine resolution), EOL per row, RTC.</summary>
    public static FaxCodingOptions Mr => new(FaxCoding.Mr, K: 4);

    /// <summary>T.6 MMR with EOFB: what TIFF G4 and PDF CCITTFaxDecode (K=-1) carry.</summary>
    public static FaxCodingOptions Mmr => new(FaxCoding.Mmr, EolMode: FaxEolMode.None, EndOfPage: FaxEndOfPage.Eofb);

    /// <summary>TIFF compression 2: MH runs, no EOL, byte-aligned rows, no RTC.</summary>
    public static FaxCodingOptions TiffRleMh => new(FaxCoding.Mh, EolMode: FaxEolMode.None, TiffRle: true, EndOfPage: FaxEndOfPage.None);

    /// <summary>The options for a coding as sent on a fax line (MR uses the given K).</summary>
    public static FaxCodingOptions ForLine(FaxCoding coding, int k = 4) => coding switch
    {
        FaxCoding.Mh => Mh,
        FaxCoding.Mr => Mr with { K = k },
        _ => Mmr,
    };

    /// <summary>True when rows are separated by EOL codes.</summary>
    public bool HasEol => EolMode != FaxEolMode.None;

    /// <summary>Throws <see cref="ArgumentException"/> for combinations no standard defines.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Coding) || !Enum.IsDefined(EolMode) || !Enum.IsDefined(BitOrder) || !Enum.IsDefined(EndOfPage))
        {
            throw new ArgumentException($"Unknown fax coding option value in {this}.");
        }

        if (Coding == FaxCoding.Mr && K < 1)
        {
            throw new ArgumentException($"MR needs K >= 1, got {K}.");
        }

        if (Coding == FaxCoding.Mr && !HasEol)
        {
            throw new ArgumentException("MR needs EOLs: the tag bit after each EOL says whether the row is 1-D or 2-D.");
        }

        if (Coding == FaxCoding.Mmr && HasEol)
        {
            throw new ArgumentException("MMR (T.6) has no EOLs between rows.");
        }

        if (TiffRle && (Coding != FaxCoding.Mh || HasEol))
        {
            throw new ArgumentException("TIFF RLE (compression 2) is MH without EOLs.");
        }

        if (EndOfPage == FaxEndOfPage.Eofb && Coding != FaxCoding.Mmr)
        {
            throw new ArgumentException("EOFB ends T.6 (MMR) pages only; T.4 pages end with RTC.");
        }

        if (EndOfPage == FaxEndOfPage.Rtc && !HasEol)
        {
            throw new ArgumentException("RTC is a run of EOLs: it needs a stream with EOLs.");
        }

        if (MinBitsPerRow < 0)
        {
            throw new ArgumentException($"MinBitsPerRow must not be negative, got {MinBitsPerRow}.");
        }
    }
}
