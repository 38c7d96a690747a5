using FaxGateway.Imaging;

namespace FaxGateway.Documents.Raster;

/// <summary>
/// Puts source pages on the fax grid: 1728 pixels at 204 dpi across, the requested lines per inch down,
/// paper-length pages. Physical size is kept (a 98 lpi page has half the rows of a 196 lpi one, never a
/// squashed picture); wider sources shrink to the fax width; long sources are split or scaled by option.
/// </summary>
public static class FaxPageNormalizer
{
    /// <summary>A landscape source is turned when it is wider than this (inches): it would otherwise shrink badly.</summary>
    private const double PortraitWidthInches = 8.5 + 0.25;

    /// <summary>Grey or colour content (after conversion to grey) to fax pages.</summary>
    public static IReadOnlyList<PageRaster> Normalize(GreyImage source, ConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (source.WidthInches > source.HeightInches && source.WidthInches > PortraitWidthInches)
        {
            source = source.RotateCounterClockwise();
        }

        var (width, height) = FaxGeometry(source.WidthInches, source.HeightInches, options);
        // Ghostscript renders straight onto the fax grid; a pixel of rounding is not worth a resample.
        var onGrid = Math.Abs(width - source.Width) <= 2 && Math.Abs(height - source.Height) <= 2 && source.Width <= FaxPageFormat.Width;
        var scaled = onGrid
            ? new GreyImage(source.Width, source.Height, source.Pixels, FaxPageFormat.XDpi, options.YDpi)
            : GreyScaler.Resize(source, width, height, FaxPageFormat.XDpi, options.YDpi);
        return Paginate(scaled.Height, options, (page, top, rows) =>
        {
            var slice = top == 0 && rows == scaled.Height ? scaled : Slice(scaled, top, rows);
            Dither.FloydSteinberg(slice, page, (FaxPageFormat.Width - scaled.Width) / 2, 0);
        });
    }

    /// <summary>
    /// A bilevel page (e.g. from TIFF). Pages that fit the fax line at 204 dpi are brought to the fax grid by
    /// Imaging's <see cref="PageScaler"/> (runs and rows merged with OR, so hairlines survive 196 -> 98 lpi)
    /// without greying; wider pages and pages to be shrunk to one sheet go through grey and error diffusion,
    /// which keeps their aspect ratio and their strokes legible.
    /// </summary>
    public static IReadOnlyList<PageRaster> Normalize(PageRaster source, ConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var xDpi = source.XDpi > 0 ? source.XDpi : FaxPageFormat.XDpi;
        var yDpi = source.YDpi > 0 ? source.YDpi : options.YDpi;
        var faxWidth = source.Width / xDpi * FaxPageFormat.XDpi;
        var needsScale = options.LengthShrink(source.Height / yDpi) < 0.995;
        if (needsScale || faxWidth > FaxPageFormat.Width * 1.03)
        {
            return Normalize(GreyImage.FromBilevel(source), options);
        }

        var fax = PageScaler.ToFax(source, options.Resolution, FaxPageFormat.Width);
        return Paginate(fax.Height, options, (page, top, count) =>
        {
            for (var y = 0; y < count; y++)
            {
                fax.ReadRow(top + y).CopyTo(page.Row(y));
            }
        });
    }

    /// <summary>Fax-grid size of a source, before pagination: width capped at 1728, aspect ratio kept in inches.</summary>
    internal static (int Width, int Height) FaxGeometry(double widthInches, double heightInches, ConversionOptions options)
    {
        var shrink = Math.Min(1.0, FaxPageFormat.Width / (widthInches * FaxPageFormat.XDpi));
        shrink *= options.LengthShrink(heightInches * shrink);

        var width = Math.Clamp((int)Math.Round(widthInches * FaxPageFormat.XDpi * shrink), 1, FaxPageFormat.Width);
        var height = Math.Max(1, (int)Math.Round(heightInches * options.YDpi * shrink));
        return (width, height);
    }

    /// <summary>Cuts <paramref name="totalRows"/> into paper-length pages; the last page is padded white.</summary>
    private static List<PageRaster> Paginate(int totalRows, ConversionOptions options, Action<PageRaster, int, int> fill)
    {
        var pageRows = options.PageRows;

        // A source a hair longer than the paper (rounding, a 1-line overrun) must not make a blank extra page.
        var slack = Math.Max(2, pageRows / 100);
        var pages = new List<PageRaster>();
        for (var top = 0; top < totalRows; top += pageRows)
        {
            var rows = Math.Min(pageRows, totalRows - top);
            if (pages.Count > 0 && rows <= slack)
            {
                break;
            }

            var page = new PageRaster(FaxPageFormat.Width, pageRows, FaxPageFormat.XDpi, options.YDpi);
            fill(page, top, rows);
            pages.Add(page);
        }

        return pages;
    }

    private static GreyImage Slice(GreyImage image, int top, int rows)
    {
        var pixels = image.Pixels.AsSpan(top * image.Width, rows * image.Width).ToArray();
        return new GreyImage(image.Width, rows, pixels, image.XDpi, image.YDpi);
    }
}
