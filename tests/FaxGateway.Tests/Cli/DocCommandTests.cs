using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FaxGateway.Imaging;

namespace FaxGateway.Tests.Cli;

/// <summary>
/// <c>faxgw doc convert</c> and <c>faxgw doc topdf</c>: text, TIFF and PDF in, fax pages out, PDF back, checked by
/// reading the result (our TIFF reader, poppler's pdfinfo and pdftoppm); bad input ends with a message and no file.
/// </summary>
public sealed class DocCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faxgw-doc-cli-");

    public void Dispose() => _dir.Delete(true);

    private string InDir(string name) => Path.Combine(_dir.FullName, name);

    private static string Corpus(string relative) => Path.Combine(LayerRulesTests.RepositoryRoot(), "tests", "corpus", relative);

    private static (int Exit, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    private static string Tool(string name, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(name, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{name} failed: {stderr}");
        return stdout;
    }

    [Fact]
    public void Convert_turns_plain_text_into_fine_fax_pages_of_the_fax_width()
    {
        var text = InDir("letter.txt");
        File.WriteAllText(text, string.Join('\n', Enumerable.Range(1, 150).Select(i => $"Line {i}: the quick brown fox jumps over the lazy dog.")), Encoding.Latin1);
        var tiff = InDir("letter.tif");

        var (exit, output, error) = Run("doc", "convert", text, tiff);

        Assert.True(exit == 0, error);
        var pages = TiffFax.Read(tiff);
        Assert.True(pages.Count >= 2, "150 lines of text do not fit on one A4 page");
        Assert.All(pages, p =>
        {
            Assert.Equal(1728, p.Raster.Width);
            Assert.Equal(TiffFaxCompression.Group4, p.Compression);
            Assert.Equal(196, p.Raster.YDpi, 0);
        });
        Assert.Contains($"-> {pages.Count} page(s), 1728 x", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_a_TIFF_at_standard_resolution_on_letter_paper()
    {
        var tiff = InDir("chart.tif");

        var (exit, _, error) = Run("doc", "convert", Corpus("t24/CCITT_1.TIF"), tiff, "--resolution", "standard", "--paper", "letter");

        Assert.True(exit == 0, error);
        var page = Assert.Single(TiffFax.Read(tiff));
        Assert.Equal(1728, page.Raster.Width);
        Assert.Equal(98, page.Raster.YDpi, 0);

        // Letter is 11 in long: at most 11 × 98 rows.
        Assert.InRange(page.Raster.Height, 900, 1078);
    }

    [Fact]
    public void Convert_a_PDF_through_Ghostscript()
    {
        // A PDF made by our own topdf from two charts: the round trip text -> tiff -> pdf -> tiff keeps the page count.
        var twoPages = InDir("two.tif");
        TiffFax.Write(twoPages, [TiffFax.Read(Corpus("t24/CCITT_2.TIF"))[0].Raster, TiffFax.Read(Corpus("t24/CCITT_3.TIF"))[0].Raster], FaxCodingOptions.Mmr);
        var pdf = InDir("two.pdf");
        Assert.Equal(0, Run("doc", "topdf", twoPages, pdf).Exit);
        var tiff = InDir("again.tif");

        var (exit, output, error) = Run("doc", "convert", pdf, tiff);

        Assert.True(exit == 0, error);
        Assert.Contains("Pdf -> 2 page(s)", output, StringComparison.Ordinal);
        Assert.Equal(2, TiffFax.Read(tiff).Count);
    }

    [Fact]
    public void Topdf_writes_a_PDF_poppler_reads_with_one_page_per_fax_page_at_the_fax_page_size()
    {
        var pdf = InDir("fax.pdf");

        var (exit, output, error) = Run("doc", "topdf", Corpus("fax-tiff/G4.TIF"), pdf);

        Assert.True(exit == 0, error);
        Assert.Equal("G4.TIF -> fax.pdf" + Environment.NewLine, output);
        var info = Tool("pdfinfo", pdf);
        var fax = TiffFax.Read(Corpus("fax-tiff/G4.TIF"));
        Assert.Equal(fax.Count, int.Parse(Regex.Match(info, @"Pages:\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture));
        var size = Regex.Match(info, @"Page size:\s+([\d.]+) x ([\d.]+) pts");
        Assert.Equal(fax[0].Raster.Width / fax[0].Raster.XDpi * 72, double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture), 0);
        Assert.Equal(fax[0].Raster.Height / fax[0].Raster.YDpi * 72, double.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture), 0);

        // The page image comes out again: pdftoppm renders page 1 to a bitmap without complaint.
        Tool("pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-mono", pdf, InDir("page"));
        Assert.Single(Directory.GetFiles(_dir.FullName, "page*.pbm"));
    }

    [Theory]
    [InlineData("convert", "garbage.bin", "out.tif")]
    [InlineData("topdf", "garbage.bin", "out.pdf")]
    public void Garbage_in_ends_with_a_message_and_no_output_file(string verb, string input, string output)
    {
        File.WriteAllBytes(InDir(input), [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37))]);

        var (exit, _, error) = Run("doc", verb, InDir(input), InDir(output));

        Assert.Equal(1, exit);
        Assert.StartsWith($"faxgw doc {verb}: ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(InDir(output)), "no half-written output is left behind");
    }

    [Fact]
    public void A_truncated_fax_TIFF_is_refused_by_topdf_with_no_PDF_left()
    {
        var cut = InDir("cut.tif");
        var bytes = File.ReadAllBytes(Corpus("fax-tiff/G4.TIF"));
        File.WriteAllBytes(cut, bytes[..64]);

        var (exit, _, error) = Run("doc", "topdf", cut, InDir("cut.pdf"));

        Assert.Equal(1, exit);
        Assert.Contains("faxgw doc topdf:", error, StringComparison.Ordinal);
        Assert.False(File.Exists(InDir("cut.pdf")));
    }

    [Fact]
    public void A_missing_input_is_a_message_not_a_stack_trace()
    {
        var (exit, _, error) = Run("doc", "convert", InDir("nope.pdf"), InDir("out.tif"));

        Assert.Equal(1, exit);
        Assert.Contains("nope.pdf", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
