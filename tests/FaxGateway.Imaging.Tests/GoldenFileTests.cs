using BitMiracle.LibTiff.Classic;

namespace FaxGateway.Imaging.Tests;

/// <summary>
/// Golden files written by libtiff's own encoder (tiffcp, see Golden/make-golden.py) for a page that uses every
/// terminating and make-up code of both colours: our decoder must read them to that page, and our encoder must
/// write the very same strip bytes.
/// </summary>
public sealed class GoldenFileTests
{
    private const int Width = 2600;
    private const int Height = 5200;

    public static TheoryData<string> GoldenFiles() => new("runs-g3-1d.tif", "runs-g3-1d-fill.tif", "runs-g3-2d.tif", "runs-g4.tif");

    /// <summary>Row 2L: L white then black; row 2L+1: L black then white (L = 0..2599).</summary>
    internal static PageRaster RunsPage()
    {
        var page = new PageRaster(Width, Height, 204, 196);
        for (var y = 0; y < Height; y++)
        {
            var n = y / 2;
            var blackFirst = (y & 1) == 1;
            for (var x = 0; x < Width; x++)
            {
                page[x, y] = x < n ? blackFirst : !blackFirst;
            }
        }

        return page;
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Golden_file_decodes_to_the_run_page(string name)
    {
        var pages = TiffFax.Read(RepoPaths.Golden(name));
        Assert.Single(pages);
        Assert.True(pages[0].Report.IsClean, pages[0].Report.ToString());
        PageAssert.SamePixels(RunsPage(), pages[0].Raster, name);
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Our_encoder_writes_the_same_bytes_as_libtiff(string name)
    {
        byte[] golden;
        FaxCodingOptions options;
        using (var tiff = Tiff.Open(RepoPaths.Golden(name), "r")!)
        {
            golden = new byte[tiff.RawStripSize(0)];
            tiff.ReadRawStrip(0, golden, 0, golden.Length);
            var t4 = tiff.GetField(TiffTag.GROUP3OPTIONS)?[0].ToInt() ?? 0;
            options = tiff.GetField(TiffTag.COMPRESSION)[0].ToInt() == (int)Compression.CCITTFAX4
                ? FaxCodingOptions.Mmr
                : new FaxCodingOptions((t4 & 1) != 0 ? FaxCoding.Mr : FaxCoding.Mh, K: 4, EolMode: (t4 & 4) != 0 ? FaxEolMode.EolByteAligned : FaxEolMode.Eol, EndOfPage: FaxEndOfPage.None);
        }

        var ours = TestPages.Encode(RunsPage(), options);
        Assert.Equal(golden.Length, ours.Length);
        Assert.True(golden.AsSpan().SequenceEqual(ours), $"{name}: first difference at byte {golden.AsSpan().CommonPrefixLength(ours)}");
    }

    [Fact]
    public void Run_page_uses_every_terminating_and_make_up_code()
    {
        // Runs in the page: white and black runs of every length 0..2600; each length uses its terminating code and,
        // from 64 on, a make-up code, so every code of Tables 2 and 3 appears.
        var runs = new HashSet<(bool Black, int Run)>();
        var page = RunsPage();
        for (var y = 0; y < Height; y++)
        {
            var n = y / 2;
            var blackFirst = (y & 1) == 1;
            runs.Add((blackFirst, n));
            runs.Add((!blackFirst, Width - n));
            Assert.Equal(n > 0 ? blackFirst : !blackFirst, page[0, y]);
        }

        for (var run = 0; run <= 2560; run++)
        {
            Assert.Contains((false, run), runs);
            Assert.Contains((true, run), runs);
        }
    }
}
