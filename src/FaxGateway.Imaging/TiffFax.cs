using System.Buffers;
using System.Globalization;
using BitMiracle.LibTiff.Classic;

namespace FaxGateway.Imaging;

/// <summary>How a TIFF page's image data was stored.</summary>
public enum TiffFaxCompression
{
    /// <summary>Uncompressed (or another general-purpose compression LibTiff.NET decoded for us).</summary>
    None,

    /// <summary>Compression 2: CCITT modified Huffman RLE, byte-aligned rows.</summary>
    CcittRle,

    /// <summary>Compression 3, 1-D: T.4 MH.</summary>
    Group3OneD,

    /// <summary>Compression 3 with T4Options bit 0: T.4 MR.</summary>
    Group3TwoD,

    /// <summary>Compression 4: T.6 MMR.</summary>
    Group4,

    /// <summary>Another compression (LZW, PackBits, Deflate...) decoded by LibTiff.NET.</summary>
    Other,
}

/// <summary>One page read from a TIFF file.</summary>
public sealed class TiffFaxPage
{
    internal TiffFaxPage(int index, PageRaster raster, TiffFaxCompression compression, int storedCompression, FaxCodingOptions? coding, int pageNumber, int strips, FaxDecodeReport report)
    {
        Index = index;
        Raster = raster;
        Compression = compression;
        StoredCompression = storedCompression;
        Coding = coding;
        PageNumber = pageNumber;
        Strips = strips;
        Report = report;
    }

    /// <summary>Position of the page (IFD) in the file, from 0.</summary>
    public int Index { get; }

    /// <summary>The pixels (1 = black whatever the file's photometric interpretation) and resolution in dpi.</summary>
    public PageRaster Raster { get; }

    /// <summary>How the data was stored.</summary>
    public TiffFaxCompression Compression { get; }

    /// <summary>The TIFF Compression tag value.</summary>
    public int StoredCompression { get; }

    /// <summary>The coding of the stored strips, when CCITT.</summary>
    public FaxCodingOptions? Coding { get; }

    /// <summary>PageNumber tag (first value), or the index when the tag is missing.</summary>
    public int PageNumber { get; }

    /// <summary>Number of strips the page was stored in.</summary>
    public int Strips { get; }

    /// <summary>Rows decoded and damaged rows (non-zero only for damaged T.4 data).</summary>
    public FaxDecodeReport Report { get; }

    /// <summary>Damaged rows (TIFF-F BadFaxLines).</summary>
    public int BadRows => Report.BadRows;

    /// <summary>The page as T.6 MMR with EOFB, MSB first: what a PDF CCITTFaxDecode filter with K=-1 takes.</summary>
    public byte[] ToMmr() => FaxEncoder.Encode(Raster, FaxCodingOptions.Mmr);
}

/// <summary>
/// TIFF Class F (and any bilevel TIFF) in and out. LibTiff.NET handles the container: directories, tags, strips,
/// fill order, resolution, page numbers. Our codec decodes and encodes the CCITT strip data; other compressions are
/// left to LibTiff.NET. Pages are written MSB-first (FillOrder 1), min-is-white, one strip per page.
/// </summary>
public static class TiffFax
{
    static TiffFax()
    {
        // LibTiff.NET reports problems through a process-wide handler that prints to the console by default; we turn
        // them into FaxCodingException messages instead.
        Tiff.SetErrorHandler(new CollectingErrorHandler());
    }

    /// <summary>Reads every page. Damaged T.4 rows are repaired and counted; anything unreadable raises <see cref="FaxCodingException"/>.</summary>
    public static IReadOnlyList<TiffFaxPage> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CollectingErrorHandler.Clear();
        var pages = new List<TiffFaxPage>();
        try
        {
            using var tiff = Tiff.ClientOpen("input.tif", "r", stream, new KeepOpenTiffStream());
            if (tiff is null)
            {
                FaxThrow.Coding($"Not a TIFF file: {CollectingErrorHandler.LastOr("LibTiff.NET could not open it")}.");
            }

            do
            {
                pages.Add(ReadPage(tiff, stream, pages.Count));
            }
            while (tiff.ReadDirectory());
        }
        catch (FaxCodingException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            FaxThrow.Coding($"Unreadable TIFF file: {e.Message}", e);
        }

        return pages;
    }

    /// <summary>Reads every page of a file.</summary>
    public static IReadOnlyList<TiffFaxPage> Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>
    /// Writes pages as a multi-page TIFF Class F file: MH/MR/MMR strips from our encoder with the given options
    /// (bit order is always MSB first, FillOrder 1), or uncompressed when <paramref name="coding"/> is null.
    /// </summary>
    public static void Write(Stream stream, IEnumerable<PageRaster> pages, FaxCodingOptions? coding)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(pages);
        var list = pages.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("A TIFF file needs at least one page.", nameof(pages));
        }

        FaxCodingOptions? options = coding is { } c ? c with { BitOrder = FaxBitOrder.MsbFirst } : null;
        if (options is { } o)
        {
            o.Validate();
            if (o.Coding == FaxCoding.Mh && !o.HasEol && !o.TiffRle)
            {
                throw new ArgumentException("TIFF compression 3 needs EOLs; use TiffRle for MH without EOLs.", nameof(coding));
            }
        }

        CollectingErrorHandler.Clear();
        using var tiff = Tiff.ClientOpen("output.tif", "w", stream, new KeepOpenTiffStream())
            ?? throw new IOException($"LibTiff.NET could not create the TIFF: {CollectingErrorHandler.LastOr("unknown error")}.");
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        FaxEncoder? encoder = null;
        for (var i = 0; i < list.Count; i++)
        {
            var page = list[i];
            if (page.Height == 0)
            {
                throw new ArgumentException($"Page {i + 1} has no rows.", nameof(pages));
            }

            tiff.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
            tiff.SetField(TiffTag.IMAGEWIDTH, page.Width);
            tiff.SetField(TiffTag.IMAGELENGTH, page.Height);
            tiff.SetField(TiffTag.BITSPERSAMPLE, 1);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISWHITE);
            tiff.SetField(TiffTag.FILLORDER, FillOrder.MSB2LSB);
            tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tiff.SetField(TiffTag.ROWSPERSTRIP, page.Height);
            tiff.SetField(TiffTag.XRESOLUTION, (float)page.XDpi);
            tiff.SetField(TiffTag.YRESOLUTION, (float)page.YDpi);
            tiff.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.INCH);
            tiff.SetField(TiffTag.PAGENUMBER, i, list.Count);
            buffer.Clear();
            if (options is { } opts)
            {
                switch (opts.Coding)
                {
                    case FaxCoding.Mh when opts.TiffRle:
                        tiff.SetField(TiffTag.COMPRESSION, Compression.CCITTRLE);
                        break;
                    case FaxCoding.Mh or FaxCoding.Mr:
                        tiff.SetField(TiffTag.COMPRESSION, Compression.CCITTFAX3);
                        var t4 = (opts.Coding == FaxCoding.Mr ? Group3Opt.ENCODING2D : 0) | (opts.EolMode == FaxEolMode.EolByteAligned ? Group3Opt.FILLBITS : 0);
                        tiff.SetField(TiffTag.GROUP3OPTIONS, (int)t4);
                        break;
                    default:
                        tiff.SetField(TiffTag.COMPRESSION, Compression.CCITTFAX4);
                        tiff.SetField(TiffTag.GROUP4OPTIONS, 0);
                        break;
                }

                if (encoder is null || encoder.Width != page.Width)
                {
                    encoder = new FaxEncoder(page.Width, opts);
                }

                encoder.EncodePage(page, buffer);
            }
            else
            {
                tiff.SetField(TiffTag.COMPRESSION, Compression.NONE);
                buffer.Write(page.Pixels.AsSpan(0, page.Stride * page.Height));
            }

            var data = buffer.WrittenMemory.ToArray();
            if (tiff.WriteRawStrip(0, data, data.Length) < 0 || !tiff.WriteDirectory())
            {
                throw new IOException($"LibTiff.NET could not write page {i + 1}: {CollectingErrorHandler.LastOr("unknown error")}.");
            }
        }

        tiff.Flush();
    }

    /// <summary>Writes pages to a file (see <see cref="Write(Stream, IEnumerable{PageRaster}, FaxCodingOptions?)"/>).</summary>
    public static void Write(string path, IEnumerable<PageRaster> pages, FaxCodingOptions? coding)
    {
        using var stream = File.Create(path);
        Write(stream, pages, coding);
    }

    private static TiffFaxPage ReadPage(Tiff tiff, Stream stream, int index)
    {
        var width = Int(tiff, TiffTag.IMAGEWIDTH, 0);
        var height = Int(tiff, TiffTag.IMAGELENGTH, 0);
        var bits = Int(tiff, TiffTag.BITSPERSAMPLE, 1);
        var samples = Int(tiff, TiffTag.SAMPLESPERPIXEL, 1);
        if (width <= 0 || height <= 0)
        {
            FaxThrow.Coding($"Page {index + 1}: invalid size {width}x{height}.");
        }

        if (bits != 1 || samples != 1)
        {
            FaxThrow.Coding($"Page {index + 1} is not bilevel ({bits} bits per sample, {samples} samples per pixel).");
        }

        if ((long)width * height > 1L << 31)
        {
            FaxThrow.Coding($"Page {index + 1}: {width}x{height} is too large for a fax page.");
        }

        var compressionTag = Int(tiff, TiffTag.COMPRESSION, 1);
        var photometric = Int(tiff, TiffTag.PHOTOMETRIC, (int)Photometric.MINISWHITE);
        var fillOrder = Int(tiff, TiffTag.FILLORDER, (int)FillOrder.MSB2LSB);
        var t4Options = Int(tiff, TiffTag.GROUP3OPTIONS, 0);
        var (xDpi, yDpi) = Resolution(tiff);
        var pageField = tiff.GetField(TiffTag.PAGENUMBER);
        var pageNumber = pageField is { Length: > 0 } ? pageField[0].ToInt() : index;
        var page = new PageRaster(width, height, xDpi, yDpi);
        var strips = tiff.NumberOfStrips();

        FaxCodingOptions? coding = null;
        var compression = TiffFaxCompression.Other;
        var bitOrder = fillOrder == (int)FillOrder.LSB2MSB ? FaxBitOrder.LsbFirst : FaxBitOrder.MsbFirst;
        switch ((Compression)compressionTag)
        {
            case Compression.CCITTRLE:
                compression = TiffFaxCompression.CcittRle;
                coding = FaxCodingOptions.TiffRleMh with { BitOrder = bitOrder };
                break;
            case Compression.CCITTFAX3:
                if ((t4Options & (int)Group3Opt.UNCOMPRESSED) != 0)
                {
                    FaxThrow.Coding($"Page {index + 1}: T.4 uncompressed mode is not supported.");
                }

                var twoD = (t4Options & (int)Group3Opt.ENCODING2D) != 0;
                compression = twoD ? TiffFaxCompression.Group3TwoD : TiffFaxCompression.Group3OneD;
                coding = new FaxCodingOptions(
                    twoD ? FaxCoding.Mr : FaxCoding.Mh,
                    EolMode: (t4Options & (int)Group3Opt.FILLBITS) != 0 ? FaxEolMode.EolByteAligned : FaxEolMode.Eol,
                    BitOrder: bitOrder,
                    EndOfPage: FaxEndOfPage.Rtc);
                break;
            case Compression.CCITTFAX4:
                compression = TiffFaxCompression.Group4;
                coding = FaxCodingOptions.Mmr with { BitOrder = bitOrder };
                break;
            case Compression.NONE:
                compression = TiffFaxCompression.None;
                break;
            default:
                break;
        }

        FaxDecodeReport report;
        if (coding is { } options && !tiff.IsTiled())
        {
            report = DecodeStrips(tiff, stream, page, options, strips);
        }
        else
        {
            ReadWithLibTiff(tiff, page, index);
            report = new FaxDecodeReport(height, 0, 0, false);
        }

        if (photometric == (int)Photometric.MINISBLACK)
        {
            Invert(page);
        }

        return new TiffFaxPage(index, page, compression, compressionTag, coding, pageNumber, strips, report);
    }

    private static FaxDecodeReport DecodeStrips(Tiff tiff, Stream stream, PageRaster page, FaxCodingOptions options, int strips)
    {
        var rowsPerStrip = Int(tiff, TiffTag.ROWSPERSTRIP, page.Height);
        if (rowsPerStrip <= 0 || rowsPerStrip > page.Height)
        {
            rowsPerStrip = page.Height;
        }

        var state = FaxDecoderState.Create(page.Width, options);
        var buffer = Array.Empty<byte>();
        for (var strip = 0; strip < strips; strip++)
        {
            var firstRow = strip * rowsPerStrip;
            if (firstRow >= page.Height)
            {
                break;
            }

            var size = (int)Math.Min(tiff.RawStripSize(strip), int.MaxValue);
            if (size < 0)
            {
                FaxThrow.Coding($"Strip {strip} has an invalid size.");
            }

            if (buffer.Length < size)
            {
                buffer = new byte[size];
            }

            var read = size == 0 ? 0 : tiff.ReadRawStrip(strip, buffer, 0, size);
            if (read < 0)
            {
                // A file cut short (an interrupted receive): decode the part of the strip that is there.
                read = ReadPartialStrip(tiff, stream, strip, buffer, size);
                if (read < 0)
                {
                    FaxThrow.Coding($"Strip {strip} cannot be read: {CollectingErrorHandler.LastOr("read error")}.");
                }
            }

            state.ResetStrip();
            FaxDecoder.DecodeBlock(ref state, buffer.AsSpan(0, read), page, firstRow, Math.Min(rowsPerStrip, page.Height - firstRow));
        }

        return state.Report;
    }

    private static int ReadPartialStrip(Tiff tiff, Stream stream, int strip, byte[] buffer, int size)
    {
        var offsets = tiff.GetField(TiffTag.STRIPOFFSETS);
        if (!stream.CanSeek || offsets is not { Length: > 0 })
        {
            return -1;
        }

        var all = offsets[0].TolongArray() ?? Array.ConvertAll(offsets[0].ToIntArray() ?? [], v => (long)v);
        if (strip >= all.Length || all[strip] < 0 || all[strip] >= stream.Length)
        {
            return -1;
        }

        stream.Position = all[strip];
        var total = 0;
        int n;
        while (total < size && (n = stream.Read(buffer, total, size - total)) > 0)
        {
            total += n;
        }

        return total;
    }

    private static void ReadWithLibTiff(Tiff tiff, PageRaster page, int index)
    {
        var scanline = new byte[Math.Max(tiff.ScanlineSize(), page.Stride)];
        for (var y = 0; y < page.Height; y++)
        {
            if (!tiff.ReadScanline(scanline, y))
            {
                FaxThrow.Coding($"Page {index + 1}, row {y}: {CollectingErrorHandler.LastOr("LibTiff.NET could not decode it")}.");
            }

            scanline.AsSpan(0, page.Stride).CopyTo(page.Row(y));
        }

        ClearPadding(page);
    }

    private static void Invert(PageRaster page)
    {
        var pixels = page.Pixels.AsSpan(0, page.Stride * page.Height);
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)~pixels[i];
        }

        ClearPadding(page);
    }

    private static void ClearPadding(PageRaster page)
    {
        var rest = page.Width & 7;
        if (rest == 0)
        {
            return;
        }

        var mask = (byte)(0xFF << (8 - rest));
        for (var y = 0; y < page.Height; y++)
        {
            page.Pixels[(y * page.Stride) + page.Stride - 1] &= mask;
        }
    }

    private static (double X, double Y) Resolution(Tiff tiff)
    {
        var x = tiff.GetField(TiffTag.XRESOLUTION);
        var y = tiff.GetField(TiffTag.YRESOLUTION);
        var unit = Int(tiff, TiffTag.RESOLUTIONUNIT, (int)ResUnit.INCH);
        var scale = unit == (int)ResUnit.CENTIMETER ? 2.54 : 1.0;
        var xDpi = x is { Length: > 0 } ? x[0].ToDouble() * scale : PageScaler.FaxXDpi;
        var yDpi = y is { Length: > 0 } ? y[0].ToDouble() * scale : xDpi;
        if (!double.IsFinite(xDpi) || xDpi <= 0)
        {
            xDpi = PageScaler.FaxXDpi;
        }

        if (!double.IsFinite(yDpi) || yDpi <= 0)
        {
            yDpi = xDpi;
        }

        return (Math.Round(xDpi, 2), Math.Round(yDpi, 2));
    }

    private static int Int(Tiff tiff, TiffTag tag, int fallback)
    {
        var field = tiff.GetField(tag);
        return field is { Length: > 0 } ? field[0].ToInt() : fallback;
    }

    /// <summary>Lets LibTiff.NET close the TIFF without closing the caller's stream.</summary>
    private sealed class KeepOpenTiffStream : TiffStream
    {
        public override void Close(object clientData)
        {
            if (clientData is Stream stream && stream.CanWrite)
            {
                stream.Flush();
            }
        }
    }

    /// <summary>Keeps LibTiff.NET's last error or warning per thread instead of printing it.</summary>
    private sealed class CollectingErrorHandler : TiffErrorHandler
    {
        [ThreadStatic]
        private static string? _last;

        public static void Clear() => _last = null;

        public static string LastOr(string fallback) => _last ?? fallback;

        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            _last = string.Format(CultureInfo.InvariantCulture, format, args);

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) =>
            _last = string.Format(CultureInfo.InvariantCulture, format, args);

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
        }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }
    }
}
