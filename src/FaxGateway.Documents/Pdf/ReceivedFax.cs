using BitMiracle.LibTiff.Classic;
using FaxGateway.Documents.Ingestion;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Pdf;

/// <summary>Received (or stored) fax pages to the files users download: PDF and multi-page TIFF.</summary>
public static class ReceivedFax
{
    /// <summary>
    /// A fax TIFF to PDF. Pages stored as one T.6 strip (our own TIFF-F, most fax software) are embedded byte
    /// for byte; other pages (MH, MR, several strips, uncompressed) are decoded by Imaging and coded once as MMR.
    /// </summary>
    public static void TiffToPdf(Stream tiff, Stream pdf, string title = "Fax")
    {
        ArgumentNullException.ThrowIfNull(tiff);
        ArgumentNullException.ThrowIfNull(pdf);
        var content = ReadAll(tiff);
        var pages = Passthrough(content);
        if (pages.Any(p => p is null))
        {
            IReadOnlyList<TiffFaxPage> decoded;
            try
            {
                using var input = new MemoryStream(content, writable: false);
                decoded = TiffFax.Read(input);
            }
            catch (FaxCodingException ex)
            {
                throw new DocumentException(DocumentProblem.Corrupt, $"The fax TIFF cannot be decoded: {ex.Message}", ex);
            }

            for (var i = 0; i < pages.Count && i < decoded.Count; i++)
            {
                pages[i] ??= Encode(decoded[i].Raster);
            }
        }

        FaxPdfWriter.Write(pdf, pages.Select(p => p!), title);
    }

    /// <summary>Decoded pages to PDF (each coded once as MMR).</summary>
    public static void ToPdf(IEnumerable<PageRaster> pages, Stream pdf, string title = "Fax")
    {
        ArgumentNullException.ThrowIfNull(pages);
        FaxPdfWriter.Write(pdf, pages.Select(Encode), title);
    }

    /// <summary>Pages to a multi-page TIFF Class F file, MMR coded.</summary>
    public static void ToTiff(IEnumerable<PageRaster> pages, Stream tiff) => TiffFax.Write(tiff, pages, FaxCodingOptions.Mmr);

    /// <summary>One page as T.6 data for <see cref="FaxPdfWriter"/>.</summary>
    public static EncodedFaxPage Encode(PageRaster page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new EncodedFaxPage(page.Width, page.Height, page.XDpi, page.YDpi, FaxEncoder.Encode(page, FaxCodingOptions.Mmr));
    }

    private static List<EncodedFaxPage?> Passthrough(byte[] content)
    {
        var errors = new TiffIngest.CapturingErrorHandler();
        var previous = Tiff.SetErrorHandler(errors);
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var tiff = Tiff.ClientOpen("received", "r", stream, new TiffStream())
                ?? throw new DocumentException(DocumentProblem.Corrupt, $"The fax TIFF cannot be opened: {errors.Describe()}");
            return [.. FaxTiffPages.Read(tiff, errors).Select(p => p.Passthrough)];
        }
        finally
        {
            Tiff.SetErrorHandler(previous);
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer) && buffer.Offset == 0 && memory.Position == 0)
        {
            return buffer.Count == buffer.Array!.Length ? buffer.Array : buffer.ToArray();
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
