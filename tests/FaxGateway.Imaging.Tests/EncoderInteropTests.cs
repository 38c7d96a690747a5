namespace FaxGateway.Imaging.Tests;

/// <summary>
/// Our encoder's output, in every scheme and flavour a TIFF can carry, decodes to exactly the input pixels with
/// LibTiff.NET and with libtiff's own tiffcp (libtiff-tools).
/// </summary>
public sealed class EncoderInteropTests
{
    private static readonly Dictionary<string, Func<PageRaster>> Pages = new()
    {
        ["ccitt1"] = () => TestPages.Crop(TestPages.CorpusPage("t24/CCITT_1.TIF"), 1200),
        ["bitonal-1710"] = () => TestPages.CorpusPage("fax-tiff/bitonal.tif"),
        ["random-2432"] = () => TestPages.Random(2432, 160, 7),
        ["runs-2432"] = () => TestPages.AllRunLengths(2432),
        ["odd-width-13"] = () => TestPages.Random(13, 50, 3),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var page in Pages.Keys)
        {
            foreach (var (flavour, _) in TestPages.TiffFlavours())
            {
                data.Add(page, flavour);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encoded_page_decodes_to_the_input_with_LibTiff_NET_and_tiffcp(string pageName, string flavour)
    {
        var page = Pages[pageName]();
        var options = TestPages.TiffFlavours().Single(f => f.Name == flavour).Options;
        var strip = TestPages.Encode(page, options);
        var tiff = TestPages.WrapInTiff(strip, page.Width, page.Height, options);

        using (var stream = new MemoryStream(tiff))
        {
            PageAssert.SamePixels(page, LibTiffReference.ReadPages(stream).Single(), $"LibTiff.NET, {flavour}");
        }

        PageAssert.SamePixels(page, TestPages.DecodeWithTiffcp(tiff).Single(), $"tiffcp -c none, {flavour}");

        var ours = TestPages.Decode(strip, page.Width, page.Height, options, out var report);
        PageAssert.SamePixels(page, ours, $"our decoder, {flavour}");
        Assert.True(report.IsClean, report.ToString());
    }

    [Fact]
    public void TiffFax_Write_multi_page_files_decode_with_tiffcp()
    {
        var pages = new[] { TestPages.CorpusPage("t24/CCITT_2.TIF"), TestPages.Random(1728, 300, 11), TestPages.CorpusPage("fax-tiff/bitonal.tif") };
        foreach (var coding in new FaxCodingOptions?[] { FaxCodingOptions.Mh, FaxCodingOptions.Mr, FaxCodingOptions.Mmr, FaxCodingOptions.TiffRleMh, null })
        {
            using var stream = new MemoryStream();
            TiffFax.Write(stream, pages, coding);
            var decoded = TestPages.DecodeWithTiffcp(stream.ToArray());
            Assert.Equal(pages.Length, decoded.Count);
            for (var i = 0; i < pages.Length; i++)
            {
                PageAssert.SamePixels(pages[i], decoded[i], $"{coding} page {i}");
            }
        }
    }

    [Fact]
    public void Alternating_pixels_decode_with_LibTiff_NET_in_every_flavour_and_with_tiffcp_in_2D()
    {
        var page = TestPages.Alternating(1728, 40);
        foreach (var (flavour, options) in TestPages.TiffFlavours())
        {
            var tiff = TestPages.WrapInTiff(TestPages.Encode(page, options), page.Width, page.Height, options);
            using var stream = new MemoryStream(tiff);
            PageAssert.SamePixels(page, LibTiffReference.ReadPages(stream).Single(), $"LibTiff.NET, {flavour}");

            // libtiff's 1-D decoder keeps about one run per pixel: it rejects a row that starts black and changes at
            // every pixel ("Buffer overflow"), even when libtiff encoded that row itself (tiffcp -c g3, then -c none).
            if (options.Coding != FaxCoding.Mh && options.BitOrder == FaxBitOrder.MsbFirst)
            {
                PageAssert.SamePixels(page, TestPages.DecodeWithTiffcp(tiff).Single(), $"tiffcp -c none, {flavour}");
            }
        }
    }
}
