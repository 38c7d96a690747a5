using FaxGateway.Imaging;

namespace FaxGateway.Documents;

/// <summary>Paper lengths a sender may ask for. The width is always the fax line of 1728 pixels (215 mm).</summary>
public enum PaperSize
{
    A4,
    Letter,
    Legal,
}

/// <summary>What to do with a source page longer than the requested paper.</summary>
public enum LongPageHandling
{
    /// <summary>Cut into paper-length pages (receipts, long web printouts).</summary>
    Split,

    /// <summary>Shrink the whole page to fit one paper length, keeping its aspect ratio.</summary>
    Scale,
}

/// <summary>Geometry of the fax page grid: 1728 pixels at 204 dpi across, lines per inch by resolution.</summary>
public static class FaxPageFormat
{
    /// <summary>Pixels per fax line for ISO A4 / North American width (T.4 Table 2: 215 mm).</summary>
    public const int Width = 1728;

    /// <summary>Horizontal resolution of every fax page (T.4: 8 pels/mm, written as 204 dpi in TIFF-F).</summary>
    public const double XDpi = 204;

    /// <summary>Lines per inch of a fax resolution (98, 196, 391); the enum is Imaging's, shared with the T.30 layers.</summary>
    public static double YDpi(this FaxResolution resolution) => PageScaler.LinesPerInch(resolution);

    /// <summary>Paper length in inches (A4 297 mm, Letter 11 in, Legal 14 in).</summary>
    public static double LengthInches(this PaperSize paper) => paper switch
    {
        PaperSize.A4 => 297 / 25.4,
        PaperSize.Letter => 11,
        PaperSize.Legal => 14,
        _ => throw new ArgumentOutOfRangeException(nameof(paper), paper, "Unknown paper size."),
    };

    /// <summary>Rows of one page of <paramref name="paper"/> at <paramref name="resolution"/> (A4 fine: 2292).</summary>
    public static int Rows(PaperSize paper, FaxResolution resolution) => (int)Math.Round(paper.LengthInches() * resolution.YDpi());
}
