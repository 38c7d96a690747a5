using FaxGateway.Documents.Pdf;
using FaxGateway.Documents.Tests.Support;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Tests;

public sealed class ReceivedFaxTests
{
    private static byte[] Corpus(string name) => File.ReadAllBytes(Path.Combine(TestFiles.RepositoryRoot(), "tests", "corpus", name));

    [Theory]
    [InlineData(FaxResolution.Standard)]
    [InlineData(FaxResolution.Fine)]
    [InlineData(FaxResolution.SuperFine)]
    public async Task Stored_pages_round_trip_tiff_to_pdf_and_poppler_sees_the_same_pixels(FaxResolution resolution)
    {
        var pdfIn = TestFiles.PdfFromPostScript(TestFiles.PostScript((612, 792, ["One"]), (612, 792, ["Two", "lines"])));
        var document = await DocumentConverter.ConvertAsync(pdfIn, new ConversionOptions { Resolution = resolution, Paper = PaperSize.Letter });
        using var tiff = new MemoryStream();
        document.WriteTiff(tiff);
        tiff.Position = 0;
        using var pdf = new MemoryStream();

        ReceivedFax.TiffToPdf(tiff, pdf, "Received fax");

        var bytes = pdf.ToArray();
        var info = Poppler.Info(bytes);
        Assert.Matches(@"Pages:\s+2", info);

        // 8.47 × 11 in whatever the resolution: a standard page must not open half height.
        Assert.Matches(@"Page size:\s+609\.88\d* x 792(\.\d+)? pts", info);
        var list = Poppler.ListImages(bytes);
        Assert.Equal(2, list.Split('\n').Count(l => l.Contains("ccitt", StringComparison.Ordinal)));
        var extracted = Poppler.ExtractImages(bytes);
        Assert.Equal(document.Pages[0].Pixels, extracted[0].Pixels);
        Assert.Equal(document.Pages[1].Pixels, extracted[1].Pixels);
        var rendered = Poppler.Render(bytes, 2, 204, resolution.YDpi());
        Assert.Equal(0, Poppler.RowsNotMatching(rendered, document.Pages[1]));
    }

    [Theory]
    [InlineData("fax-tiff/fax2d.tif")]
    [InlineData("fax-tiff/g3test.tif")]
    [InlineData("fax-tiff/G4S.TIF")]
    public void Tiff_pages_that_cannot_pass_through_are_coded_once_as_mmr(string name)
    {
        var tiff = Corpus(name);
        var reference = Assert.Single(Poppler.DecodeTiff(tiff));
        using var pdf = new MemoryStream();

        ReceivedFax.TiffToPdf(new MemoryStream(tiff), pdf);

        Assert.Contains("ccitt", Poppler.ListImages(pdf.ToArray()), StringComparison.Ordinal);
        var extracted = Assert.Single(Poppler.ExtractImages(pdf.ToArray()));
        Assert.Equal(reference.Pixels, extracted.Pixels);
    }

    [Fact]
    public void Pages_to_multi_page_tiff_are_read_back_by_libtiff()
    {
        var pages = Enumerable.Range(0, 3).Select(i =>
        {
            var page = new PageRaster(1728, 1143, 204, 98);
            Rendering.BitmapFont.Fixed10x20.Draw(page, 100, 100, $"Page {i + 1}", 2, 1);
            return page;
        }).ToList();
        using var tiff = new MemoryStream();

        ReceivedFax.ToTiff(pages, tiff);

        var decoded = Poppler.DecodeTiff(tiff.ToArray());
        Assert.Equal(3, decoded.Count);
        Assert.All(decoded.Zip(pages), p => Assert.Equal(p.Second.Pixels, p.First.Pixels));
        Assert.All(decoded, p => Assert.Equal(98, p.YDpi, 0.5));
    }

    [Fact]
    public void A_file_that_is_not_a_tiff_gets_a_clear_error()
    {
        var error = Assert.Throws<DocumentException>(() => ReceivedFax.TiffToPdf(new MemoryStream("%PDF-1.4 nope"u8.ToArray()), new MemoryStream()));

        Assert.Equal(DocumentProblem.Corrupt, error.Problem);
    }

    [Fact]
    public void Confirmation_report_lists_the_job_and_every_page_and_shows_a_thumbnail()
    {
        var first = TestFiles.FromPbm(File.ReadAllBytes(Path.Combine(TestFiles.GoldenDirectory, "cover-default-fine.pbm")), 204, 196);
        var job = new FaxReportJob
        {
            JobId = "job-0042",
            Status = "partial",
            From = "+49 30 1234567",
            To = "+49 89 7654321",
            RecipientName = "Dr. Müller (Praxis)",
            RemoteStationId = "+49 89 7654321",
            Submitted = new DateTimeOffset(2026, 11, 22, 18, 0, 0, TimeSpan.Zero),
            Completed = new DateTimeOffset(2026, 11, 22, 18, 3, 12, TimeSpan.Zero),
            Duration = TimeSpan.FromSeconds(192),
            Attempts = 2,
            Connection = "V.17 14400, MMR, ECM, 204x196",
            FailureReason = "Call dropped after page 3",
            Pages = [new(1, FaxPageOutcome.Sent), new(2, FaxPageOutcome.SentAfterRetry, "PPR x1"), new(3, FaxPageOutcome.Failed, "RTN"), new(4, FaxPageOutcome.NotSent)],
        };
        using var pdf = new MemoryStream();

        ConfirmationReport.Write(pdf, job, first, TimeZoneInfo.Utc);

        var bytes = pdf.ToArray();
        Assert.Matches(@"Pages:\s+1", Poppler.Info(bytes));
        var text = Poppler.Text(bytes);
        Assert.Contains("job-0042", text, StringComparison.Ordinal);
        Assert.Contains("Dr. Müller (Praxis)", text, StringComparison.Ordinal);
        Assert.Contains("2 of 4", text, StringComparison.Ordinal);
        Assert.Contains("sent after retry", text, StringComparison.Ordinal);
        Assert.Contains("not sent", text, StringComparison.Ordinal);
        Assert.Contains("2026-11-22 18:03:12", text, StringComparison.Ordinal);
        var thumbnail = Poppler.ListImages(bytes).Split('\n').Single(l => l.Contains("gray", StringComparison.Ordinal));
        Assert.Contains("432", thumbnail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_report_continues_on_further_pages()
    {
        var job = new FaxReportJob { JobId = "j", Status = "success", Pages = [.. Enumerable.Range(1, 120).Select(i => new FaxReportPage(i, FaxPageOutcome.Sent))] };
        using var pdf = new MemoryStream();

        ConfirmationReport.Write(pdf, job, null, TimeZoneInfo.Utc);

        Assert.Matches(@"Pages:\s+3", Poppler.Info(pdf.ToArray()));
    }
}
