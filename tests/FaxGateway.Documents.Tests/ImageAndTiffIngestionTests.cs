using FaxGateway.Documents.Raster;
using FaxGateway.Documents.Tests.Support;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Tests;

public sealed class ImageAndTiffIngestionTests
{
    private static readonly ConversionOptions Fine = new() { Resolution = FaxResolution.Fine, Paper = PaperSize.A4 };

    private static byte[] Corpus(string name) => File.ReadAllBytes(Path.Combine(TestFiles.RepositoryRoot(), "tests", "corpus", name));

    /// <summary>Renders PostScript with a Ghostscript image device (png16m, pnggray, jpeg, tiffgray, tiff24nc...).</summary>
    private static byte[] Render(string device, int dpi, string postScript)
    {
        var directory = Directory.CreateTempSubdirectory("faxgw-img-");
        try
        {
            var input = Path.Combine(directory.FullName, "in.ps");
            var output = Path.Combine(directory.FullName, "out.img");
            File.WriteAllText(input, postScript);
            TestFiles.Run("gs", ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", $"-sDEVICE={device}", $"-r{dpi}", $"-sOutputFile={output}", input]);
            return File.ReadAllBytes(output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A 4 × 3 inch picture: a grey ramp on the left half, a black bar to the right edge.</summary>
    private const string Picture = "%!PS\n<< /PageSize [288 216] >> setpagedevice\n0 1 143 { dup 143 div setgray 0 moveto 0 216 rlineto 1 0 rlineto 0 -216 rlineto fill } for\n0 setgray 200 20 88 176 rectfill showpage\n";

    [Theory]
    [InlineData("png16m", DocumentType.Png)]
    [InlineData("pnggray", DocumentType.Png)]
    [InlineData("jpeg", DocumentType.Jpeg)]
    [InlineData("jpeggray", DocumentType.Jpeg)]
    public async Task Images_keep_their_physical_size_and_grey_is_dithered(string device, DocumentType type)
    {
        var image = Render(device, 150, Picture);

        var document = await DocumentConverter.ConvertAsync(image, Fine);

        Assert.Equal(type, document.SourceType);
        var page = Assert.Single(document.Pages);
        Assert.Equal(1728, page.Width);
        var bounds = TestFiles.InkBounds(page)!.Value;

        // 4 in wide at 204 dpi and 3 in tall at 196 lpi, read from the file's own density (150 dpi).
        Assert.InRange(bounds.X1 - bounds.X0 + 1, 4 * 204 * 0.97, 4 * 204 * 1.01);
        Assert.InRange(bounds.Y1 - bounds.Y0 + 1, 3 * 196 * 0.97, 3 * 196 * 1.01);

        // The ramp's middle is dithered to roughly half black, not thresholded to solid black or white.
        var x = bounds.X0 + (2 * 204 * 36 / 72);
        var black = Enumerable.Range(bounds.Y0 + 50, 200).Sum(y => Enumerable.Range(x - 20, 40).Count(px => page[px, y]));
        Assert.InRange(black / 8000.0, 0.35, 0.65);
    }

    [Theory]
    [InlineData("tiffgray")]
    [InlineData("tiff24nc")]
    [InlineData("tifflzw")]
    public async Task Grey_and_colour_tiff_is_dithered(string device)
    {
        var tiff = Render(device, 100, Picture);

        var document = await DocumentConverter.ConvertAsync(tiff, Fine);

        Assert.Equal(DocumentType.Tiff, document.SourceType);
        var page = Assert.Single(document.Pages);
        var bounds = TestFiles.InkBounds(page)!.Value;
        Assert.InRange(bounds.X1 - bounds.X0 + 1, 4 * 204 * 0.97, 4 * 204 * 1.01);
    }

    [Fact]
    public async Task A_standard_resolution_fax_tiff_is_brought_to_fine_without_losing_its_length()
    {
        var document = await DocumentConverter.ConvertAsync(Corpus("fax-tiff/fax2d.tif"), Fine);

        // 1082 rows at 98 lpi = 11.04 in = 2164 rows at 196 lpi, then padded to A4 (2292).
        var page = Assert.Single(document.Pages);
        Assert.Equal(2292, page.Height);
        var reference = Assert.Single(Poppler.DecodeTiff(Corpus("fax-tiff/fax2d.tif")));
        Assert.Equal(TestFiles.BlackPixels(reference) * 2, TestFiles.BlackPixels(page), (double)TestFiles.BlackPixels(reference) / 50);
    }

    [Theory]
    [InlineData("fax-tiff/G31D.TIF")]
    [InlineData("fax-tiff/G32DS.TIF")]
    [InlineData("fax-tiff/G4S.TIF")]
    [InlineData("fax-tiff/bitonal.tif")]
    public async Task Bilevel_tiff_of_any_compression_becomes_fax_pages(string name)
    {
        var document = await DocumentConverter.ConvertAsync(Corpus(name), Fine with { Paper = PaperSize.Letter });

        Assert.NotEmpty(document.Pages);
        Assert.All(document.Pages, p => Assert.Equal(1728, p.Width));
        Assert.All(document.Pages, p => Assert.Equal(2156, p.Height));
        Assert.True(TestFiles.BlackPixels(document.Pages[0]) > 10_000);
    }

    [Fact]
    public async Task A_broken_tiff_gets_a_clear_error()
    {
        var tiff = Corpus("synthetic/gs-table.g4.tif");

        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(tiff[..200], Fine));

        Assert.Equal(DocumentProblem.Corrupt, error.Problem);
        Assert.Contains("TIFF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_png_gets_a_clear_error()
    {
        var png = Render("png16m", 100, Picture);

        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(png[..(png.Length / 2)], Fine));

        Assert.Contains("PNG", error.Message, StringComparison.Ordinal);
        Assert.True(error.Problem is DocumentProblem.Truncated or DocumentProblem.Corrupt);
    }

    [Fact]
    public async Task Plain_text_is_set_in_the_monospace_font()
    {
        var document = await DocumentConverter.ConvertAsync("Hello\nfax\n"u8.ToArray(), Fine);

        Assert.Equal(DocumentType.Text, document.SourceType);
        Assert.Single(document.Pages);
        Assert.True(TestFiles.BlackPixels(document.Pages[0]) > 300);
    }

    [Fact]
    public void Floyd_Steinberg_keeps_mean_grey_and_exact_black_and_white()
    {
        foreach (var level in new byte[] { 0, 64, 128, 192, 255 })
        {
            var grey = new GreyImage(400, 400, Enumerable.Repeat(level, 160_000).ToArray(), 204, 196);
            var page = new PageRaster(400, 400, 204, 196);

            Dither.FloydSteinberg(grey, page, 0, 0);

            var blackShare = TestFiles.BlackPixels(page) / 160_000.0;
            Assert.InRange(blackShare, (1 - (level / 255.0)) - 0.01, (1 - (level / 255.0)) + 0.01);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, DocumentType.Pdf)]
    [InlineData(new byte[] { 0x49, 0x49, 0x2A, 0x00, 8 }, DocumentType.Tiff)]
    [InlineData(new byte[] { 0x4D, 0x4D, 0x00, 0x2A, 0 }, DocumentType.Tiff)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, DocumentType.Png)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, DocumentType.Jpeg)]
    [InlineData(new byte[] { 0x48, 0x69, 0x0A, 0xC3, 0xA4 }, DocumentType.Text)]
    public void Type_is_sniffed_from_content(byte[] content, DocumentType expected)
    {
        Assert.Equal(expected, DocumentSniffer.Sniff(content));
    }

    [Theory]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, "GIF")]
    [InlineData(new byte[] { 0x25, 0x21, 0x50, 0x53 }, "PostScript")]
    [InlineData(new byte[] { 0x00, 0x01, 0x02, 0xFE }, "not PDF")]
    [InlineData(new byte[] { 0x48, 0xC3, 0x28, 0x41 }, "not PDF")]
    public void Unsupported_content_is_named(byte[] content, string named)
    {
        var error = Assert.Throws<DocumentException>(() => DocumentSniffer.Sniff(content));

        Assert.Equal(DocumentProblem.UnsupportedType, error.Problem);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_page_with_a_few_specks_is_blank_and_a_short_line_of_text_is_not()
    {
        var specks = new PageRaster(1728, 2292, 204, 196);
        for (var i = 0; i < 30; i++)
        {
            specks[300 + (i * 37), 400 + (i * 51)] = true;
        }

        var text = new PageRaster(1728, 2292, 204, 196);
        Rendering.BitmapFont.Fixed10x20.Draw(text, 200, 1000, "Yes.", 1, 1);

        Assert.True(BlankPageDetector.IsBlank(specks));
        Assert.False(BlankPageDetector.IsBlank(text));
    }
}
