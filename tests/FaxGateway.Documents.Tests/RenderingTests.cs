using FaxGateway.Documents.Rendering;
using FaxGateway.Documents.Tests.Support;
using FaxGateway.Imaging;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Documents.Tests;

public sealed class RenderingTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.CreateCustomTimeZone("Test/UTC+1", TimeSpan.FromHours(1), "UTC+1", "UTC+1");

    private static readonly PageHeaderFields Fields = new()
    {
        Sender = "ACME Ltd",
        SenderNumber = "+49 30 1234567",
        Recipient = "Dr. Müller",
        RecipientNumber = "+49 89 7654321",
        JobId = "job-42",
    };

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 22, 18, 30, 0, TimeSpan.Zero));

    [Fact]
    public void Header_text_follows_the_format_in_the_configured_time_zone()
    {
        var header = new PageHeaderLine("{date:yyyy-MM-dd HH:mm zzz}|From: {sender} {senderNumber}|To: {recipient}|Page {page} of {pages} {{{job}}}", Berlin, Clock());

        var text = header.Format(Fields, 2, 5);

        Assert.Equal("2026-11-22 19:30 +01:00|From: ACME Ltd +49 30 1234567|To: Dr. Müller|Page 2 of 5 {job-42}", text);
    }

    [Theory]
    [InlineData("{sendr}")]
    [InlineData("{page:00}")]
    [InlineData("{date")]
    public void A_bad_header_format_is_refused_when_configured(string format)
    {
        Assert.Throws<ArgumentException>(() => new PageHeaderLine(format, TimeZoneInfo.Utc, TimeProvider.System));
    }

    [Theory]
    [InlineData(FaxResolution.Standard)]
    [InlineData(FaxResolution.Fine)]
    [InlineData(FaxResolution.SuperFine)]
    public void Header_line_matches_the_golden_image(FaxResolution resolution)
    {
        var pages = Enumerable.Range(0, 3).Select(_ => new PageRaster(1728, FaxPageFormat.Rows(PaperSize.A4, resolution), 204, resolution.YDpi())).ToArray();

        // Ink under the header band is whited out: the header must stay readable over content.
        pages[1].Pixels.AsSpan().Fill(0xFF);
        new PageHeaderLine(PageHeaderLine.DefaultFormat + "|To: {recipient}", Berlin, Clock()).Stamp(pages, Fields);

        var band = PageHeaderLine.BandRows(resolution.YDpi());
        var top = new PageRaster(1728, band, pages[1].Pixels.AsSpan(0, band * pages[1].Stride).ToArray(), 204, resolution.YDpi());
        Golden.AssertMatches($"header-{resolution.ToString().ToLowerInvariant()}", top);
        Assert.True(pages[1].ReadRow(band).IndexOfAnyExcept((byte)0xFF) < 0, "rows below the band are untouched");
    }

    [Fact]
    public void Header_band_has_the_same_physical_height_at_every_resolution()
    {
        Assert.Equal(12, PageHeaderLine.BandRows(98));
        Assert.Equal(22, PageHeaderLine.BandRows(196));
        Assert.Equal(42, PageHeaderLine.BandRows(391));
    }

    [Fact]
    public void Cover_page_matches_the_golden_image()
    {
        var info = new CoverPageInfo
        {
            Sender = "ACME Ltd",
            SenderNumber = "+49 30 1234567",
            Recipient = "Dr. Müller",
            RecipientNumber = "+49 89 7654321",
            Subject = "Quarterly invoice",
            Comment = "Please find the invoice attached.\nCall us if anything is unclear; we are reachable every weekday between nine and five, and on Saturdays until noon.",
            PageCount = 4,
            Date = new DateTimeOffset(2026, 11, 22, 18, 30, 0, TimeSpan.Zero),
        };

        var page = CoverPage.Default(Berlin).Render(info, FaxResolution.Fine, PaperSize.A4);

        Assert.Equal(1728, page.Width);
        Assert.Equal(2292, page.Height);
        Golden.AssertMatches("cover-default-fine", page);
    }

    [Fact]
    public void Cover_page_at_standard_resolution_keeps_the_layout_at_half_the_rows()
    {
        var info = new CoverPageInfo { Sender = "S", Recipient = "R", PageCount = 2, Date = DateTimeOffset.UnixEpoch };

        var fine = CoverPage.Default(TimeZoneInfo.Utc).Render(info, FaxResolution.Fine, PaperSize.Letter);
        var standard = CoverPage.Default(TimeZoneInfo.Utc).Render(info, FaxResolution.Standard, PaperSize.Letter);

        var fineInk = TestFiles.InkBounds(fine)!.Value;
        var standardInk = TestFiles.InkBounds(standard)!.Value;
        Assert.Equal(fineInk.X0, standardInk.X0);
        Assert.Equal(fineInk.X1, standardInk.X1);
        Assert.InRange(standardInk.Y1 * 2, fineInk.Y1 - 12, fineInk.Y1 + 12);
    }

    [Fact]
    public void Custom_cover_template_fields_are_filled_and_unknown_fields_printed_as_written()
    {
        var template = "# {subject}\nTo {recipient}, {pages} pages\n{nosuchfield}";
        var info = new CoverPageInfo { Subject = "Hi", Recipient = "Bob", PageCount = 3 };

        var page = new CoverPage(template, TimeZoneInfo.Utc).Render(info, FaxResolution.Fine, PaperSize.A4);
        var expected = new PageRaster(1728, page.Height, 204, 196);
        var font = BitmapFont.Fixed10x20;
        font.Draw(expected, 122, 117, "Hi", 8, 8);
        font.Draw(expected, 122, 117 + 160 + 4, "To Bob, 3 pages", 2, 1.6);
        font.Draw(expected, 122, 117 + 160 + 4 + 32 + 4, "{nosuchfield}", 2, 1.6);

        Assert.Equal(expected.Pixels, page.Pixels);
    }

    [Fact]
    public void Text_document_matches_the_golden_image()
    {
        var text = "FaxGateway text page\n\tTabbed line\n" + new string('x', 100) + "\nLatin-1: äöü ß é ñ £ ©\nNot Latin-1: \u4e2d\u6587 \u20ac";

        var pages = TextPageRenderer.Render(text, new ConversionOptions { Resolution = FaxResolution.Fine, Paper = PaperSize.A4 });

        var page = Assert.Single(pages);
        Golden.AssertMatches("text-fine", new PageRaster(1728, 400, page.Pixels.AsSpan(0, 400 * page.Stride).ToArray(), 204, 196));
    }

    [Fact]
    public void Text_paginates_and_honours_form_feeds()
    {
        var options = new ConversionOptions { Resolution = FaxResolution.Standard, Paper = PaperSize.Letter };
        var longText = string.Join('\n', Enumerable.Range(1, 200).Select(i => $"line {i}"));

        var pages = TextPageRenderer.Render(longText, options);
        var withFeed = TextPageRenderer.Render("first\fsecond\n\f\n", options);

        // Letter at 98 lpi: 1078 rows, 0.4 in margins, 16-row lines: 62 lines a page.
        Assert.Equal(4, pages.Count);
        Assert.Equal(2, withFeed.Count);
        Assert.All(pages, p => Assert.Equal(1078, p.Height));
    }

    [Fact]
    public void Text_wraps_at_80_columns_and_expands_tabs()
    {
        var lines = TextPageRenderer.Lines("a\tb\n" + new string('y', 170)).ToArray();

        Assert.Equal(["a       b", new string('y', 80), new string('y', 80), new string('y', 10)], lines.Select(l => l.Content));
    }
}
