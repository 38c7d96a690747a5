using FaxGateway.Imaging;

namespace FaxGateway.Documents;

/// <summary>A document normalised to fax pages: 1728 pixels wide at 204 dpi, one resolution, one paper length.</summary>
public sealed class FaxDocument
{
    public FaxDocument(DocumentType sourceType, IReadOnlyList<PageRaster> pages, IReadOnlyList<int> blankPages, int removedBlankPages, FaxResolution resolution, PaperSize paper)
    {
        SourceType = sourceType;
        Pages = pages;
        BlankPages = blankPages;
        RemovedBlankPages = removedBlankPages;
        Resolution = resolution;
        Paper = paper;
    }

    /// <summary>What the content turned out to be (sniffed, never taken from a name).</summary>
    public DocumentType SourceType { get; }

    public IReadOnlyList<PageRaster> Pages { get; }

    /// <summary>1-based numbers of pages in <see cref="Pages"/> with no content (kept unless RemoveBlankPages).</summary>
    public IReadOnlyList<int> BlankPages { get; }

    /// <summary>Blank pages dropped because <see cref="ConversionOptions.RemoveBlankPages"/> was set.</summary>
    public int RemovedBlankPages { get; }

    public FaxResolution Resolution { get; }

    public PaperSize Paper { get; }

    /// <summary>Stores the pages as a multi-page TIFF Class F file, MMR (T.6) coded, FillOrder MSB first.</summary>
    public void WriteTiff(Stream output) => TiffFax.Write(output, Pages, FaxCodingOptions.Mmr);
}
