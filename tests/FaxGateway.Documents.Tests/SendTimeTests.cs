using FaxGateway.Documents.Rendering;
using FaxGateway.Documents.Tests.Support;
using FaxGateway.Imaging;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Documents.Tests;

/// <summary>The path Core takes at send time: stored MMR TIFF-F pages read back, cover page in front, header stamped.</summary>
public sealed class SendTimeTests
{
    [Fact]
    public async Task Stored_pages_read_back_get_a_cover_page_and_a_header_on_every_page()
    {
        var options = new ConversionOptions { Resolution = FaxResolution.Standard, Paper = PaperSize.Letter };
        var document = await DocumentConverter.ConvertAsync("First page\fSecond page"u8.ToArray(), options);
        using var stored = new MemoryStream();
        document.WriteTiff(stored);
        stored.Position = 0;

        var pages = TiffFax.Read(stored).Select(p => p.Raster).ToList();
        var cover = CoverPage.Default(TimeZoneInfo.Utc).Render(
            new CoverPageInfo { Sender = "ACME", Recipient = "Bob", PageCount = pages.Count + 1, Date = DateTimeOffset.UnixEpoch }, FaxResolution.Standard, PaperSize.Letter);
        pages.Insert(0, cover);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        new PageHeaderLine("{date:HH:mm}|Page {page} of {pages}", TimeZoneInfo.Utc, clock).Stamp(pages, new PageHeaderFields { Sender = "ACME" });

        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Equal((1728, 1078, 98.0), (p.Width, p.Height, p.YDpi)));
        for (var i = 0; i < pages.Count; i++)
        {
            // The header of page i is exactly the text drawn on its own: right column "Page i of 3".
            var expected = new PageRaster(1728, PageHeaderLine.BandRows(98), 204, 98);
            BitmapFont.Fixed10x20.Draw(expected, 32, 1, "08:00", 1, 0.5);
            var right = $"Page {i + 1} of 3";
            BitmapFont.Fixed10x20.Draw(expected, 1728 - 32 - (right.Length * 10), 1, right, 1, 0.5);
            Assert.Equal(expected.Pixels, pages[i].Pixels.AsSpan(0, expected.Pixels.Length).ToArray());
        }
    }

    [Fact]
    public async Task An_upload_over_the_byte_limit_is_refused_while_reading()
    {
        var upload = new MemoryStream(new byte[5000]);

        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(upload, new ConversionOptions(), maxBytes: 4096));

        Assert.Equal(DocumentProblem.TooLarge, error.Problem);
    }

    [Fact]
    public async Task Text_over_the_page_limit_is_refused()
    {
        var text = string.Join('\f', Enumerable.Range(1, 12).Select(i => $"page {i}"));

        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(System.Text.Encoding.UTF8.GetBytes(text), new ConversionOptions { MaxPages = 10 }));

        Assert.Equal(DocumentProblem.TooManyPages, error.Problem);
    }
}
