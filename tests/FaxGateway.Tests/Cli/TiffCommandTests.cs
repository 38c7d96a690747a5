using FaxGateway.Imaging;

namespace FaxGateway.Tests.Cli;

/// <summary><c>faxgw tiff info</c> and <c>faxgw tiff convert</c> on the corpus, multi-page files and bad input.</summary>
public sealed class TiffCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faxgw-tiff-cli-");

    public void Dispose() => _dir.Delete(true);

    private static string Corpus(string relative) => Path.Combine(LayerRulesTests.RepositoryRoot(), "tests", "corpus", relative);

    private static (int Exit, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void Info_lists_size_resolution_compression_and_bad_lines_per_page()
    {
        var (exit, output, error) = Run("tiff", "info", Corpus("t24/CCITT_1.TIF"));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("1 page(s)", output, StringComparison.Ordinal);
        Assert.Contains("page 1: 1728x2376 px, 200x200 dpi, G4 (MMR), LSB-first, 1 strip(s), bad lines 0 (max consecutive 0)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Info_reports_rows_without_EOL_of_the_damaged_corpus_file()
    {
        var (exit, output, _) = Run("tiff", "info", Corpus("fax-tiff/G3_Premature_EOL.tif"));
        Assert.Equal(0, exit);
        Assert.Contains("G3 1-D (MH)", output, StringComparison.Ordinal);
        Assert.Contains("2320 rows without EOL", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Info_on_a_truncated_file_reports_bad_lines()
    {
        var cut = Path.Combine(_dir.FullName, "cut.tif");
        var bytes = File.ReadAllBytes(Corpus("fax-tiff/G3_Premature_EOL.tif")); // directory at the start, strip after it
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);
        var (exit, output, _) = Run("tiff", "info", cut);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("bad lines 0 ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mh", TiffFaxCompression.Group3OneD)]
    [InlineData("mr", TiffFaxCompression.Group3TwoD)]
    [InlineData("mmr", TiffFaxCompression.Group4)]
    [InlineData("none", TiffFaxCompression.None)]
    public void Convert_recodes_every_page_and_keeps_the_pixels(string compression, TiffFaxCompression expected)
    {
        // A three-page input: two corpus charts and a 300 dpi scan, as one multi-page MMR file.
        var input = Path.Combine(_dir.FullName, "in.tif");
        var pages = new[] { Corpus("t24/CCITT_2.TIF"), Corpus("fax-tiff/bitonal.tif"), Corpus("t24/CCITT_8.TIF") }.Select(f => TiffFax.Read(f)[0].Raster).ToList();
        TiffFax.Write(input, pages, FaxCodingOptions.Mmr);
        var output = Path.Combine(_dir.FullName, "out.tif");

        var (exit, stdout, error) = Run("tiff", "convert", input, output, "--compression", compression);
        Assert.True(exit == 0, error);
        Assert.Contains("3 page(s)", stdout, StringComparison.Ordinal);
        var read = TiffFax.Read(output);
        Assert.Equal(3, read.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected, read[i].Compression);
            Assert.Equal(pages[i].Pixels, read[i].Raster.Pixels);
        }
    }

    [Fact]
    public void Convert_to_fax_resolution_and_width()
    {
        var output = Path.Combine(_dir.FullName, "fax.tif");
        var (exit, _, error) = Run("tiff", "convert", Corpus("fax-tiff/G4S.TIF"), output, "--compression", "mh", "--resolution", "standard", "--width", "1728");
        Assert.True(exit == 0, error);
        var page = Assert.Single(TiffFax.Read(output));
        Assert.Equal(1728, page.Raster.Width);
        Assert.Equal(98, page.Raster.YDpi);
        Assert.Equal(204, page.Raster.XDpi);
        Assert.InRange(page.Raster.Height, 1055, 1065); // 3248 rows at 300 dpi -> 11 in at 97.8 lpi
    }

    [Fact]
    public void Bad_input_gives_a_clear_message_and_a_non_zero_exit()
    {
        var notTiff = Path.Combine(_dir.FullName, "letter.pdf");
        File.WriteAllText(notTiff, "%PDF-1.4 not a fax");
        var (exit, output, error) = Run("tiff", "info", notTiff);
        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        Assert.Contains("Not a TIFF file", error, StringComparison.Ordinal);

        (exit, _, error) = Run("tiff", "info", Path.Combine(_dir.FullName, "missing.tif"));
        Assert.NotEqual(0, exit);
        Assert.Contains("missing.tif", error, StringComparison.Ordinal);

        var target = Path.Combine(_dir.FullName, "never.tif");
        (exit, _, error) = Run("tiff", "convert", notTiff, target, "--compression", "mmr");
        Assert.NotEqual(0, exit);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists(target + ".tmp"));

        (exit, _, _) = Run("tiff", "convert", Corpus("t24/CCITT_1.TIF"), target, "--compression", "jbig");
        Assert.NotEqual(0, exit);
    }
}
