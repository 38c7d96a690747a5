using System.Text;
using FaxGateway.Documents.Tests.Support;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Tests;

public sealed class PdfIngestionTests
{
    private const double A4Width = 595.28;
    private const double A4Height = 841.89;

    private static readonly ConversionOptions Fine = new() { Resolution = FaxResolution.Fine, Paper = PaperSize.A4 };

    [Fact]
    public async Task One_page_A4_becomes_one_1728_wide_fine_A4_page_with_the_frame_centred()
    {
        var pdf = TestFiles.PdfFromPostScript(TestFiles.PostScript((A4Width, A4Height, ["Hello fax"])));

        var document = await DocumentConverter.ConvertAsync(pdf, Fine);

        Assert.Equal(DocumentType.Pdf, document.SourceType);
        var page = Assert.Single(document.Pages);
        Assert.Equal(1728, page.Width);
        Assert.Equal(FaxPageFormat.Rows(PaperSize.A4, FaxResolution.Fine), page.Height);
        Assert.Equal(204, page.XDpi);
        Assert.Equal(196, page.YDpi);

        // The frame is 36 pt (0.5 in) inside an A4 page of 1686 px, centred in 1728: left edge about 21 + 102 less half the 4 pt line.
        var bounds = TestFiles.InkBounds(page)!.Value;
        Assert.InRange(bounds.X0, 112, 129);
        Assert.InRange(1727 - bounds.X1, 112, 129);
        Assert.InRange(bounds.Y0, 90, 102);
        Assert.Empty(document.BlankPages);
    }

    [Theory]
    [InlineData(FaxResolution.Standard, 98)]
    [InlineData(FaxResolution.Fine, 196)]
    [InlineData(FaxResolution.SuperFine, 391)]
    public async Task Letter_keeps_its_physical_aspect_at_every_resolution(FaxResolution resolution, double lpi)
    {
        var pdf = TestFiles.PdfFromPostScript(TestFiles.PostScript((612, 792, ["Letter"])));

        var document = await DocumentConverter.ConvertAsync(pdf, new ConversionOptions { Resolution = resolution, Paper = PaperSize.Letter });

        var page = Assert.Single(document.Pages);
        Assert.Equal((int)Math.Round(11 * lpi), page.Height);

        // The frame is 7.5 in × 10 in: 7.5 × 204 px across, 10 × lpi rows down (not squashed at 98 lpi).
        var bounds = TestFiles.InkBounds(page)!.Value;
        var frameWidthInches = (bounds.X1 - bounds.X0) / 204.0;
        var frameHeightInches = (bounds.Y1 - bounds.Y0) / lpi;
        Assert.InRange(frameWidthInches, 7.5, 7.56);
        Assert.InRange(frameHeightInches, 9.95, 10.06);
    }

    [Fact]
    public async Task Many_pages_come_out_in_order()
    {
        var pages = Enumerable.Range(1, 6).Select(i => (612.0, 792.0, Enumerable.Repeat($"Page {i}", i * 3).ToArray())).ToArray();
        var pdf = TestFiles.PdfFromPostScript(TestFiles.PostScript(pages));

        var document = await DocumentConverter.ConvertAsync(pdf, Fine);

        Assert.Equal(6, document.Pages.Count);

        // Page i has 3i text lines, so its ink strictly grows with i.
        var ink = document.Pages.Select(TestFiles.BlackPixels).ToArray();
        Assert.Equal(ink.Order(), ink);
        Assert.Equal(6, ink.Distinct().Count());
    }

    [Fact]
    public async Task A_landscape_page_is_turned_to_portrait_and_fills_the_width()
    {
        var pdf = TestFiles.PdfFromPostScript(TestFiles.PostScript((A4Height, A4Width, ["Landscape"])));

        var document = await DocumentConverter.ConvertAsync(pdf, Fine);

        var page = Assert.Single(document.Pages);
        Assert.Equal(1728, page.Width);

        // Turned: the landscape frame (11.69 in × 8.27 in) now runs 8.27 in across and 11.69 in down,
        // shrunk slightly only if needed; its height/width ratio is the A4 one either way.
        var bounds = TestFiles.InkBounds(page)!.Value;
        var across = (bounds.X1 - bounds.X0) / 204.0;
        var down = (bounds.Y1 - bounds.Y0) / 196.0;
        Assert.InRange(down / across, (A4Height - 72) / (A4Width - 72) * 0.99, (A4Height - 72) / (A4Width - 72) * 1.01);
    }

    [Fact]
    public async Task A_long_page_is_split_or_scaled_by_option()
    {
        var pdf = TestFiles.PdfFromPostScript(TestFiles.PostScript((612, 792 * 2.5, ["Receipt"])));

        var split = await DocumentConverter.ConvertAsync(pdf, Fine with { Paper = PaperSize.Letter, LongPages = LongPageHandling.Split });
        var scaled = await DocumentConverter.ConvertAsync(pdf, Fine with { Paper = PaperSize.Letter, LongPages = LongPageHandling.Scale });

        Assert.Equal(3, split.Pages.Count);
        var one = Assert.Single(scaled.Pages);

        // Scaled to one page: the frame (7.5 in × 26.5 in) shrinks by 11/27.5 on both axes.
        var bounds = TestFiles.InkBounds(one)!.Value;
        var ratio = (bounds.Y1 - bounds.Y0) / 196.0 / ((bounds.X1 - bounds.X0) / 204.0);
        Assert.InRange(ratio, 26.5 / 7.5 * 0.98, 26.5 / 7.5 * 1.02);
    }

    [Fact]
    public async Task An_A4_page_faxed_on_Letter_is_shrunk_onto_one_sheet_not_split()
    {
        var pdf = TestFiles.PdfFromPostScript(TestFiles.PostScript((A4Width, A4Height, ["A4 on Letter"])));

        var document = await DocumentConverter.ConvertAsync(pdf, Fine with { Paper = PaperSize.Letter });

        var page = Assert.Single(document.Pages);
        Assert.Equal(2156, page.Height);
        var bounds = TestFiles.InkBounds(page)!.Value;
        // The frame 36 pt inside the page edge, shrunk by 11 / 11.69: about 92 rows above the bottom edge, not cut off.
        Assert.InRange(2155 - bounds.Y1, 80, 95);
    }

    [Fact]
    public async Task A_blank_page_is_flagged_and_can_be_removed()
    {
        var ps = "%!PS\n<< /PageSize [612 792] >> setpagedevice\n/Helvetica findfont 18 scalefont setfont 72 700 moveto (Content) show showpage\nshowpage\n";
        var pdf = TestFiles.PdfFromPostScript(ps);

        var kept = await DocumentConverter.ConvertAsync(pdf, Fine);
        var removed = await DocumentConverter.ConvertAsync(pdf, Fine with { RemoveBlankPages = true });

        Assert.Equal(2, kept.Pages.Count);
        Assert.Equal([2], kept.BlankPages);
        Assert.Single(removed.Pages);
        Assert.Equal(1, removed.RemovedBlankPages);
    }

    [Fact]
    public async Task An_encrypted_pdf_is_refused_as_encrypted()
    {
        var pdf = TestFiles.PdfFromPostScript(TestFiles.PostScript((612, 792, ["Secret"])), "-sOwnerPassword=owner", "-sUserPassword=user");

        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(pdf, Fine));

        Assert.Equal(DocumentProblem.Encrypted, error.Problem);
        Assert.Contains("password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_pdf_is_refused_as_truncated()
    {
        var pdf = TestFiles.PdfFromPostScript(TestFiles.PostScript((612, 792, ["Cut"]), (612, 792, ["Short"])));

        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(pdf[..(pdf.Length * 2 / 3)], Fine));

        Assert.Equal(DocumentProblem.Truncated, error.Problem);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pdf_with_10000_pages_is_refused_by_the_page_limit_before_rendering()
    {
        var pdf = TestFiles.SharedContentPdf(10_000);

        // A deadline far too short to render even a hundred pages shows nothing was rendered.
        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(pdf, Fine with { MaxPages = 200, RasteriseTimeout = TimeSpan.FromSeconds(30) }));

        Assert.Equal(DocumentProblem.TooManyPages, error.Problem);
        Assert.Contains("10000 pages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hand_written_pdf_within_the_limit_renders_every_shared_page()
    {
        var pdf = TestFiles.SharedContentPdf(3);

        var document = await DocumentConverter.ConvertAsync(pdf, Fine with { Paper = PaperSize.Letter });

        Assert.Equal(3, document.Pages.Count);
        Assert.All(document.Pages, p => Assert.True(TestFiles.BlackPixels(p) > 500));
    }

    [Fact]
    public async Task Ghostscript_over_its_time_limit_is_killed_and_reported()
    {
        var pdf = TestFiles.PdfFromPostScript(TestFiles.PostScript((612, 792, ["Slow"])));

        // No PDF renders within one tick; the deadline, not the document, decides the outcome.
        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(pdf, Fine with { RasteriseTimeout = TimeSpan.FromTicks(1) }));

        Assert.Equal(DocumentProblem.Timeout, error.Problem);
    }

    [Fact]
    public async Task A_pdf_named_content_that_is_a_zip_fails_as_a_zip()
    {
        var zip = "PK\u0003\u0004 not really a pdf"u8.ToArray();

        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(zip, Fine));

        Assert.Equal(DocumentProblem.UnsupportedType, error.Problem);
        Assert.Contains("ZIP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pdf_header_with_garbage_after_it_is_refused_as_broken()
    {
        var junk = Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string('x', 2000) + "\n%%EOF\n");

        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(junk, Fine));

        Assert.Equal(DocumentProblem.Corrupt, error.Problem);
    }
}
