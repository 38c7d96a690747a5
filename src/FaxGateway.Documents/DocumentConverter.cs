using FaxGateway.Documents.Ingestion;
using FaxGateway.Documents.Raster;
using FaxGateway.Documents.Rendering;
using FaxGateway.Imaging;

namespace FaxGateway.Documents;

/// <summary>
/// The entry point for outbound documents: any accepted upload (PDF, TIFF, PNG, JPEG, plain text; type sniffed
/// from the bytes) to normalised fax pages. Throws <see cref="DocumentException"/> for anything it cannot convert.
/// </summary>
public static class DocumentConverter
{
    /// <summary>Reads at most <paramref name="maxBytes"/> from <paramref name="content"/> and converts it.</summary>
    public static async Task<FaxDocument> ConvertAsync(Stream content, ConversionOptions options, long maxBytes = 64L << 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new DocumentException(DocumentProblem.TooLarge, $"The document is larger than the limit of {maxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return await ConvertAsync(buffer.ToArray(), options, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<FaxDocument> ConvertAsync(byte[] content, ConversionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        var type = DocumentSniffer.Sniff(content);
        IReadOnlyList<PageRaster> pages = type switch
        {
            DocumentType.Pdf => await new GhostscriptRasterizer(options).RasterizeAsync(content, cancellationToken).ConfigureAwait(false),
            DocumentType.Tiff => TiffIngest.Read(content, options),
            DocumentType.Png or DocumentType.Jpeg => FaxPageNormalizer.Normalize(
                ImageIngest.Decode(content, type, options.MaxSourcePixels), options with { LongPages = LongPageHandling.Scale }),
            _ => TextPageRenderer.Render(DocumentSniffer.Utf8.GetString(content), options),
        };

        if (pages.Count > options.MaxPages)
        {
            throw new DocumentException(DocumentProblem.TooManyPages, $"The {DocumentSniffer.Describe(type)} document makes {pages.Count} fax pages; the limit is {options.MaxPages}.");
        }

        return Finish(type, pages, options);
    }

    private static FaxDocument Finish(DocumentType type, IReadOnlyList<PageRaster> pages, ConversionOptions options)
    {
        var kept = new List<PageRaster>(pages.Count);
        var blank = new List<int>();
        var removed = 0;
        foreach (var page in pages)
        {
            if (BlankPageDetector.IsBlank(page))
            {
                if (options.RemoveBlankPages)
                {
                    removed++;
                    continue;
                }

                blank.Add(kept.Count + 1);
            }

            kept.Add(page);
        }

        if (kept.Count == 0)
        {
            throw new DocumentException(DocumentProblem.Empty, $"Every page of the {DocumentSniffer.Describe(type)} document is blank; there is nothing to send.");
        }

        return new FaxDocument(type, kept, blank, removed, options.Resolution, options.Paper);
    }
}
