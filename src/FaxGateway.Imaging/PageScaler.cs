using FaxGateway.Imaging.Internal;

namespace FaxGateway.Imaging;

/// <summary>The vertical resolutions of T.30 (DIS/DCS bits): 3.85, 7.7 and 15.4 lines/mm.</summary>
public enum FaxResolution
{
    /// <summary>98 lines per inch (3.85 l/mm).</summary>
    Standard,

    /// <summary>196 lines per inch (7.7 l/mm).</summary>
    Fine,

    /// <summary>391 lines per inch (15.4 l/mm).</summary>
    SuperFine,
}

/// <summary>
/// Brings pages to fax geometry: 204 dpi across (8 pels/mm), 98/196/391 lines per inch, 1728 pixels wide (A4/Letter),
/// and converts between the fax resolutions. Reductions OR the pixels they merge so thin lines survive, which is what
/// fax machines do when they drop from fine to standard.
/// </summary>
public static class PageScaler
{
    /// <summary>Fax pels per inch across: 8 pels/mm.</summary>
    public const double FaxXDpi = 204;

    /// <summary>The standard scan line of A4/Letter: 1728 pels.</summary>
    public const int StandardWidth = 1728;

    /// <summary>B4 line: 2048 pels.</summary>
    public const int B4Width = 2048;

    /// <summary>A3 line: 2432 pels.</summary>
    public const int A3Width = 2432;

    /// <summary>Lines per inch of a fax resolution.</summary>
    public static double LinesPerInch(FaxResolution resolution) => resolution switch
    {
        FaxResolution.Standard => 98,
        FaxResolution.Fine => 196,
        FaxResolution.SuperFine => 391,
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Unknown fax resolution."),
    };

    /// <summary>
    /// Lines per inch as T.4 defines them (3.85, 7.7 and 15.4 lines/mm, exactly 1:2:4) when <paramref name="dpi"/> is
    /// within 3 % of a fax resolution (200 dpi counts as fine), otherwise <paramref name="dpi"/> itself. Ratios between
    /// fax resolutions then come out exact: 100 standard rows are 200 fine and 400 super-fine rows.
    /// </summary>
    private static double Exact(double dpi)
    {
        foreach (var (nominal, linesPerMm) in new[] { (98.0, 3.85), (196.0, 7.7), (391.0, 15.4) })
        {
            if (Near(dpi, nominal))
            {
                return linesPerMm * 25.4;
            }
        }

        return dpi;
    }

    /// <summary>The fax resolution nearest to a vertical resolution in lines per inch.</summary>
    public static FaxResolution Nearest(double yDpi) => yDpi < 147 ? FaxResolution.Standard : yDpi < 293 ? FaxResolution.Fine : FaxResolution.SuperFine;

    /// <summary>
    /// Converts any bilevel page to fax geometry: 204 dpi across scaled to fit <paramref name="width"/> (wider pages,
    /// such as B4, A3, 300 and 400 dpi scans, are reduced; narrower ones are centred on white), and the vertical
    /// resolution of <paramref name="resolution"/>. Resolutions within 3 % of the target (200 dpi for 204, 200 lpi for
    /// 196) are taken as they are, as fax machines do.
    /// </summary>
    public static PageRaster ToFax(PageRaster page, FaxResolution resolution, int width = StandardWidth)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var xDpi = page.XDpi > 0 ? page.XDpi : FaxXDpi;
        var yDpi = page.YDpi > 0 ? page.YDpi : LinesPerInch(resolution);
        var scaledWidth = Near(xDpi, FaxXDpi) ? page.Width : (int)Math.Round(page.Width * FaxXDpi / xDpi);
        scaledWidth = Math.Clamp(scaledWidth, 1, width);
        var target = LinesPerInch(resolution);
        var height = (int)Math.Round(page.Height * Exact(target) / Exact(yDpi));
        return Resample(page, width, scaledWidth, (width - scaledWidth) / 2, Math.Max(height, 1), FaxXDpi, target);
    }

    /// <summary>Changes only the vertical resolution (for example fine to standard before sending to a standard-only receiver).</summary>
    public static PageRaster ToResolution(PageRaster page, FaxResolution resolution)
    {
        ArgumentNullException.ThrowIfNull(page);
        var target = LinesPerInch(resolution);
        var source = page.YDpi > 0 ? page.YDpi : target;
        var height = (int)Math.Round(page.Height * Exact(target) / Exact(source));
        return Resample(page, page.Width, page.Width, 0, Math.Max(height, 1), page.XDpi, target);
    }

    /// <summary>Scales a page across to exactly <paramref name="width"/> pixels (B4 2048 or A3 2432 to 1728), keeping its rows.</summary>
    public static PageRaster ToWidth(PageRaster page, int width)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        return Resample(page, width, width, 0, page.Height, page.XDpi * width / page.Width, page.YDpi);
    }

    private static bool Near(double value, double target) => Math.Abs(value - target) <= target * 0.03;

    /// <summary>
    /// Maps each black run of a source row to its span in the output (OR), then merges the source rows that fall into
    /// one output row (OR) or repeats rows when enlarging.
    /// </summary>
    private static PageRaster Resample(PageRaster source, int width, int scaledWidth, int offset, int height, double xDpi, double yDpi)
    {
        var result = new PageRaster(width, height, xDpi, yDpi);
        if (source.Height == 0)
        {
            return result;
        }

        var changes = new int[ChangingElements.BufferLength(source.Width)];
        var scaledRow = new byte[result.Stride];
        var lastSource = -1;
        for (var y = 0; y < height; y++)
        {
            var from = (int)((long)y * source.Height / height);
            var to = Math.Max(from + 1, (int)((long)(y + 1) * source.Height / height));
            var destination = result.Row(y);
            if (from == lastSource && to == from + 1)
            {
                result.ReadRow(y - 1).CopyTo(destination);
                continue;
            }

            for (var sy = from; sy < to; sy++)
            {
                scaledRow.AsSpan().Clear();
                var n = ChangingElements.Find(source.ReadRow(sy), source.Width, changes);
                for (var i = 0; i < n; i += 2)
                {
                    var start = changes[i];
                    var end = i + 1 < n ? changes[i + 1] : source.Width;
                    var s = offset + (int)((long)start * scaledWidth / source.Width);
                    var e = offset + (int)(((long)end * scaledWidth + source.Width - 1) / source.Width);
                    e = Math.Min(Math.Max(e, s + 1), offset + scaledWidth);
                    if (e > s)
                    {
                        ChangingElements.FillBlack(scaledRow, s, e);
                    }
                }

                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] |= scaledRow[i];
                }
            }

            lastSource = to - 1;
        }

        return result;
    }
}
