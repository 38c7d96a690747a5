using BitMiracle.LibTiff.Classic;

namespace FaxGateway.Imaging.Tests;

/// <summary>Compressed size per page is no larger than libtiff's (LibTiff.NET's encoder) for the same scheme and options.</summary>
public sealed class CompressedSizeTests
{
    public static TheoryData<string> Pages() => new(
        "t24/CCITT_1.TIF", "t24/CCITT_2.TIF", "t24/CCITT_3.TIF", "t24/CCITT_4.TIF", "t24/CCITT_5.TIF", "t24/CCITT_6.TIF", "t24/CCITT_7.TIF", "t24/CCITT_8.TIF",
        "synthetic/gs-halftone.g4.tif", "fax-tiff/bitonal.tif");

    [Theory]
    [MemberData(nameof(Pages))]
    public void Our_strips_are_no_larger_than_LibTiff_NET_strips(string file)
    {
        var page = TestPages.CorpusPage(file);
        var schemes = new (Compression Compression, int T4Options, FaxCodingOptions Ours)[]
        {
            (Compression.CCITTFAX3, 0, FaxCodingOptions.Mh with { EndOfPage = FaxEndOfPage.None }),
            (Compression.CCITTFAX3, 4, FaxCodingOptions.Mh with { EolMode = FaxEolMode.EolByteAligned, EndOfPage = FaxEndOfPage.None }),
            (Compression.CCITTFAX3, 1, new FaxCodingOptions(FaxCoding.Mr, K: page.YDpi > 150 ? 4 : 2, EndOfPage: FaxEndOfPage.None)),
            (Compression.CCITTFAX4, 0, FaxCodingOptions.Mmr),
            (Compression.CCITTRLE, 0, FaxCodingOptions.TiffRleMh),
        };
        foreach (var (compression, t4, ours) in schemes)
        {
            var theirs = LibTiffStripSize(page, compression, t4);
            var mine = TestPages.Encode(page, ours).Length;
            Assert.True(mine <= theirs, $"{file} {compression}/{t4}: ours {mine} bytes, LibTiff.NET {theirs}");
        }
    }

    private static long LibTiffStripSize(PageRaster page, Compression compression, int t4Options)
    {
        var stream = new MemoryStream();
        using (var tiff = Tiff.ClientOpen("size", "w", stream, new TiffStream())!)
        {
            Fill(tiff, page, compression, t4Options);
        }

        using var read = Tiff.ClientOpen("size", "r", new MemoryStream(stream.ToArray()), new TiffStream())!;
        return read.RawStripSize(0);
    }

    private static void Fill(Tiff tiff, PageRaster page, Compression compression, int t4Options)
    {
        tiff.SetField(TiffTag.IMAGEWIDTH, page.Width);
        tiff.SetField(TiffTag.IMAGELENGTH, page.Height);
        tiff.SetField(TiffTag.BITSPERSAMPLE, 1);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISWHITE);
        tiff.SetField(TiffTag.ROWSPERSTRIP, page.Height);
        tiff.SetField(TiffTag.XRESOLUTION, (float)page.XDpi);
        tiff.SetField(TiffTag.YRESOLUTION, (float)page.YDpi);
        tiff.SetField(TiffTag.COMPRESSION, compression);
        if (compression == Compression.CCITTFAX3)
        {
            tiff.SetField(TiffTag.GROUP3OPTIONS, t4Options);
        }

        tiff.WriteEncodedStrip(0, page.Pixels, page.Pixels.Length);
        tiff.WriteDirectory();
    }
}
