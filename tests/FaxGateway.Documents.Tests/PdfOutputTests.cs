using BitMiracle.LibTiff.Classic;
using FaxGateway.Documents.Ingestion;
using FaxGateway.Documents.Pdf;
using FaxGateway.Documents.Tests.Support;

namespace FaxGateway.Documents.Tests;

public sealed class PdfOutputTests
{
    private static byte[] Corpus(string name) => File.ReadAllBytes(Path.Combine(TestFiles.RepositoryRoot(), "tests", "corpus", name));

    private static List<EncodedFaxPage> Passthrough(byte[] tiffBytes)
    {
        using var stream = new MemoryStream(tiffBytes);
        using var tiff = Tiff.ClientOpen("t", "r", stream, new TiffStream())!;
        return FaxTiffPages.Read(tiff, new TiffIngest.CapturingErrorHandler()).Select(p => p.Passthrough!).ToList();
    }

    [Theory]
    [InlineData("synthetic/gs-text-dense.g4.tif")]
    [InlineData("synthetic/gs-halftone.g4.tif")]
    [InlineData("t24/CCITT_1.TIF")]
    public void Mmr_pages_are_embedded_untouched_and_pdfimages_decodes_the_same_pixels(string name)
    {
        var tiff = Corpus(name);
        var page = Assert.Single(Passthrough(tiff));
        var reference = Assert.Single(Poppler.DecodeTiff(tiff));
        using var pdf = new MemoryStream();

        FaxPdfWriter.Write(pdf, [page], "received");

        var extracted = Assert.Single(Poppler.ExtractImages(pdf.ToArray()));
        Assert.Equal(reference.Width, extracted.Width);
        Assert.Equal(reference.Height, extracted.Height);
        Assert.Equal(reference.Pixels, extracted.Pixels);
    }

    [Theory]
    [InlineData("synthetic/gs-text-dense.g4.tif")]
    [InlineData("synthetic/gs-table.g4.tif")]
    public void Fax_resolution_pages_render_in_pdftoppm_to_the_same_pixels(string name)
    {
        var tiff = Corpus(name);
        var page = Assert.Single(Passthrough(tiff));
        var reference = Assert.Single(Poppler.DecodeTiff(tiff));
        using var pdf = new MemoryStream();

        FaxPdfWriter.Write(pdf, [page], "received");

        var list = Poppler.ListImages(pdf.ToArray());
        Assert.Contains("ccitt", list, StringComparison.Ordinal);
        Assert.Contains($"{reference.Width}  {reference.Height}", list.Replace("   ", "  ", StringComparison.Ordinal), StringComparison.Ordinal);
        var rendered = Poppler.Render(pdf.ToArray(), 1, page.XDpi, page.YDpi);
        Assert.Equal(0, Poppler.Differences(rendered, reference));
    }

    [Fact]
    public void A_standard_resolution_page_gets_its_true_size_not_a_squashed_one()
    {
        var page = new EncodedFaxPage(1728, 1143, 204, 98, Passthrough(Corpus("synthetic/gs-table.g4.tif"))[0].Mmr);

        var info = PdfInfo([page]);

        // 1728 / 204 in × 1143 / 98 in = 609.9 × 839.8 pt: an A4-length page, not half of one.
        Assert.Matches(@"Page size:\s+609\.88\d* x 839\.75\d* pts", info);
    }

    private static string PdfInfo(IEnumerable<EncodedFaxPage> pages)
    {
        using var pdf = new MemoryStream();
        FaxPdfWriter.Write(pdf, pages);
        return Poppler.Info(pdf.ToArray());
    }
}
