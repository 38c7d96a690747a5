using BitMiracle.LibTiff.Classic;
using FaxGateway.Documents.Raster;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Ingestion;

/// <summary>
/// TIFF uploads, page by page. A wholly bilevel TIFF (any compression) is read by Imaging's
/// <see cref="TiffFax"/> and keeps its pixels. A TIFF with grey, palette or colour pages is decoded to RGBA
/// by LibTiff (every compression and photometric it knows), turned to grey and dithered.
/// </summary>
internal static class TiffIngest
{
    public static IReadOnlyList<PageRaster> Read(byte[] content, ConversionOptions options)
    {
        if (IsBilevel(content, options))
        {
            IReadOnlyList<TiffFaxPage> bilevel;
            try
            {
                using var input = new MemoryStream(content, writable: false);
                bilevel = TiffFax.Read(input);
            }
            catch (FaxCodingException ex)
            {
                throw new DocumentException(DocumentProblem.Corrupt, $"The fax TIFF cannot be decoded: {ex.Message}", ex);
            }

            return [.. bilevel.SelectMany(p => FaxPageNormalizer.Normalize(p.Raster, options))];
        }

        return ReadGrey(content, options);
    }

    /// <summary>True when every page is 1 bit per pixel; checks the page limit before anything is decoded.</summary>
    private static bool IsBilevel(byte[] content, ConversionOptions options)
    {
        var errors = new CapturingErrorHandler();
        var previous = Tiff.SetErrorHandler(errors);
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var tiff = Tiff.ClientOpen("upload", "r", stream, new TiffStream())
                ?? throw new DocumentException(DocumentProblem.Corrupt, $"The TIFF cannot be opened: {errors.Describe()}");
            var directories = tiff.NumberOfDirectories();
            if (directories > options.MaxPages)
            {
                throw new DocumentException(DocumentProblem.TooManyPages, $"The TIFF has {directories} pages; the limit is {options.MaxPages}.");
            }

            for (short d = 0; d < directories; d++)
            {
                if (!tiff.SetDirectory(d))
                {
                    throw new DocumentException(DocumentProblem.Corrupt, $"TIFF page {d + 1} cannot be read: {errors.Describe()}");
                }

                var bits = tiff.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() ?? 1;
                var samples = tiff.GetField(TiffTag.SAMPLESPERPIXEL)?[0].ToInt() ?? 1;
                if (bits != 1 || samples != 1)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            Tiff.SetErrorHandler(previous);
        }
    }

    private static List<PageRaster> ReadGrey(byte[] content, ConversionOptions options)
    {
        // LibTiff reports through one process-wide handler; ours is in place only for this read.
        var errors = new CapturingErrorHandler();
        var previous = Tiff.SetErrorHandler(errors);
        try
        {
            return ReadGrey(content, options, errors);
        }
        finally
        {
            Tiff.SetErrorHandler(previous);
        }
    }

    private static List<PageRaster> ReadGrey(byte[] content, ConversionOptions options, CapturingErrorHandler errors)
    {
        using var stream = new MemoryStream(content, writable: false);
        using var tiff = Tiff.ClientOpen("upload", "r", stream, new TiffStream())
            ?? throw new DocumentException(DocumentProblem.Corrupt, $"The TIFF cannot be opened: {errors.Describe()}");
        var directories = tiff.NumberOfDirectories();
        var pages = new List<PageRaster>();
        for (short d = 0; d < directories; d++)
        {
            if (!tiff.SetDirectory(d))
            {
                throw new DocumentException(DocumentProblem.Corrupt, $"TIFF page {d + 1} cannot be read: {errors.Describe()}");
            }

            var width = tiff.GetField(TiffTag.IMAGEWIDTH)?[0].ToInt() ?? 0;
            var height = tiff.GetField(TiffTag.IMAGELENGTH)?[0].ToInt() ?? 0;
            if (width <= 0 || height <= 0)
            {
                throw new DocumentException(DocumentProblem.Corrupt, $"TIFF page {d + 1} has no size ({width}×{height}).");
            }

            if ((long)width * height > options.MaxSourcePixels)
            {
                throw new DocumentException(DocumentProblem.TooLarge, $"TIFF page {d + 1} is {width}×{height} pixels; the limit is {options.MaxSourcePixels}.");
            }

            var (xDpi, yDpi) = Resolution(tiff);
            var raster = new int[width * height];
            if (!tiff.ReadRGBAImageOriented(width, height, raster, Orientation.TOPLEFT, stopOnError: true))
            {
                throw new DocumentException(errors.Describe().Contains("end of", StringComparison.OrdinalIgnoreCase) ? DocumentProblem.Truncated : DocumentProblem.Corrupt,
                    $"TIFF page {d + 1} cannot be decoded: {errors.Describe()}");
            }

            var grey = new byte[width * height];
            for (var i = 0; i < raster.Length; i++)
            {
                // ABGR packed; Rec. 601 luma, alpha composited on white paper.
                var p = raster[i];
                int r = p & 0xFF, g = (p >> 8) & 0xFF, b = (p >> 16) & 0xFF, a = (p >> 24) & 0xFF;
                var luma = ((299 * r) + (587 * g) + (114 * b)) / 1000;
                grey[i] = (byte)(((luma * a) + (255 * (255 - a)) + 127) / 255);
            }

            pages.AddRange(FaxPageNormalizer.Normalize(new GreyImage(width, height, grey, xDpi, yDpi), options));
        }

        return pages;
    }

    /// <summary>Resolution in dpi; a fax TIFF without the tags is taken as 204×196, anything else as 200 dpi.</summary>
    internal static (double X, double Y) Resolution(Tiff tiff)
    {
        var x = tiff.GetField(TiffTag.XRESOLUTION)?[0].ToDouble() ?? 0;
        var y = tiff.GetField(TiffTag.YRESOLUTION)?[0].ToDouble() ?? 0;
        var unit = (ResUnit)(tiff.GetField(TiffTag.RESOLUTIONUNIT)?[0].ToInt() ?? (int)ResUnit.INCH);
        if (unit == ResUnit.CENTIMETER)
        {
            x *= 2.54;
            y *= 2.54;
        }

        return (x is > 10 and < 10000 ? x : 200, y is > 10 and < 10000 ? y : 200);
    }

    /// <summary>LibTiff reports through a global handler; this keeps the first message instead of printing it.</summary>
    internal sealed class CapturingErrorHandler : TiffErrorHandler
    {
        private string? _first;

        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            _first ??= args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
            // Unknown tags and similar warnings are normal in scanner output and do not stop a conversion.
        }

        public string Describe() => _first ?? "the file structure is damaged";
    }
}
