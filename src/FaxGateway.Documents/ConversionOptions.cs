using FaxGateway.Imaging;

namespace FaxGateway.Documents;

/// <summary>How a document is turned into fax pages. Every limit has a safe default for an upload API.</summary>
public sealed record ConversionOptions
{
    public FaxResolution Resolution { get; init; } = FaxResolution.Fine;

    public PaperSize Paper { get; init; } = PaperSize.A4;

    public LongPageHandling LongPages { get; init; } = LongPageHandling.Split;

    /// <summary>Documents with more pages are refused before anything is rendered.</summary>
    public int MaxPages { get; init; } = 200;

    /// <summary>Wall-clock limit for all Ghostscript work on one document; the process tree is killed after it.</summary>
    public TimeSpan RasteriseTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Largest source image accepted (width × height), to bound memory for PNG/JPEG/TIFF input.</summary>
    public long MaxSourcePixels { get; init; } = 100_000_000;

    /// <summary>Drop pages with no content (after dithering) instead of sending them.</summary>
    public bool RemoveBlankPages { get; init; }

    /// <summary>Ghostscript executable; "gs" is looked up on PATH.</summary>
    public string GhostscriptPath { get; init; } = "gs";

    /// <summary>
    /// A page at most this much longer than the paper (A4 on Letter is 6 % longer) is shrunk to fit even when
    /// splitting: cutting it would send a near-empty sheet carrying only a bottom margin.
    /// </summary>
    internal const double NearFit = 1.10;

    internal int PageRows => FaxPageFormat.Rows(Paper, Resolution);

    /// <summary>Factor (at most 1) by which a page of this length, in inches, is shrunk to fit the paper.</summary>
    internal double LengthShrink(double heightInches)
    {
        var paper = Paper.LengthInches();
        return heightInches > paper && (LongPages == LongPageHandling.Scale || heightInches <= paper * NearFit) ? paper / heightInches : 1.0;
    }

    internal double YDpi => Resolution.YDpi();
}
