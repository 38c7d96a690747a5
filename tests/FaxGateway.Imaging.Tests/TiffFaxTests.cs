using BitMiracle.LibTiff.Classic;

namespace FaxGateway.Imaging.Tests;

/// <summary>TIFF Class F reading and writing through LibTiff.NET's container with our codec.</summary>
public sealed class TiffFaxTests
{
    [Fact]
    public void Premature_EOL_file_decodes_like_LibTiff_NET_and_reports_the_missing_EOLs()
    {
        // The file says T.4 with EOLs but its rows carry none (C libtiff gives up at row 0): decode anyway, report it.
        var path = RepoPaths.CorpusFile("fax-tiff/G3_Premature_EOL.tif");
        var page = Assert.Single(TiffFax.Read(path));
        Assert.Equal(TiffFaxCompression.Group3OneD, page.Compression);
        Assert.Equal(2320, page.Report.Rows);
        Assert.Equal(2320, page.Report.RowsWithoutEol);
        Assert.False(page.Report.IsClean);
        PageAssert.SamePixels(LibTiffReference.ReadPages(path)[0], page.Raster, "G3_Premature_EOL");
    }

    [Fact]
    public void Premature_EOL_file_cut_short_decodes_what_is_there_and_counts_the_rest()
    {
        var original = File.ReadAllBytes(RepoPaths.CorpusFile("fax-tiff/G3_Premature_EOL.tif"));
        var cut = original[..(original.Length / 2)];
        var page = Assert.Single(TiffFax.Read(new MemoryStream(cut)));
        Assert.True(page.BadRows > 0);
        Assert.Equal(2320, page.Report.Rows);
        var reference = LibTiffReference.ReadPages(RepoPaths.CorpusFile("fax-tiff/G3_Premature_EOL.tif"))[0];
        var goodRows = page.Report.Rows - page.BadRows;
        for (var y = 0; y < goodRows - 1; y++)
        {
            Assert.True(reference.ReadRow(y).SequenceEqual(page.Raster.ReadRow(y)), $"row {y}");
        }
    }

    [Fact]
    public void Written_files_carry_page_numbers_resolution_and_MSB_fill_order()
    {
        var pages = new[]
        {
            new PageRaster(1728, 100, 204, 98),
            TestPages.Random(1728, 200, 3),
            TestPages.Random(2048, 50, 4),
        };
        pages[1].XDpi = 204;
        pages[1].YDpi = 391;
        using var stream = new MemoryStream();
        TiffFax.Write(stream, pages, FaxCodingOptions.Mmr);
        Assert.True(stream.CanWrite, "the caller's stream stays open");
        stream.Position = 0;
        using (var tiff = Tiff.ClientOpen("check", "r", new MemoryStream(stream.ToArray()), new TiffStream())!)
        {
            for (var i = 0; i < pages.Length; i++)
            {
                Assert.Equal((int)FillOrder.MSB2LSB, tiff.GetField(TiffTag.FILLORDER)[0].ToInt());
                Assert.Equal((int)Compression.CCITTFAX4, tiff.GetField(TiffTag.COMPRESSION)[0].ToInt());
                Assert.Equal(i, tiff.GetField(TiffTag.PAGENUMBER)[0].ToInt());
                Assert.Equal(pages.Length, tiff.GetField(TiffTag.PAGENUMBER)[1].ToInt());
                Assert.Equal(pages[i].YDpi, tiff.GetField(TiffTag.YRESOLUTION)[0].ToDouble(), 1);
                Assert.Equal(i < pages.Length - 1, tiff.ReadDirectory());
            }
        }

        var read = TiffFax.Read(new MemoryStream(stream.ToArray()));
        Assert.Equal(3, read.Count);
        for (var i = 0; i < pages.Length; i++)
        {
            Assert.Equal(i, read[i].PageNumber);
            Assert.Equal(pages[i].XDpi, read[i].Raster.XDpi);
            Assert.Equal(pages[i].YDpi, read[i].Raster.YDpi);
            Assert.Equal(TiffFaxCompression.Group4, read[i].Compression);
            PageAssert.SamePixels(pages[i], read[i].Raster, $"page {i}");
        }
    }

    public static TheoryData<string> Codings() => new("mh", "mh-aligned", "mr", "mmr", "rle", "none");

    [Theory]
    [MemberData(nameof(Codings))]
    public void Every_coding_round_trips_through_a_file(string name)
    {
        FaxCodingOptions? coding = name switch
        {
            "mh" => FaxCodingOptions.Mh with { EndOfPage = FaxEndOfPage.None },
            "mh-aligned" => FaxCodingOptions.Mh with { EolMode = FaxEolMode.EolByteAligned },
            "mr" => FaxCodingOptions.Mr,
            "mmr" => FaxCodingOptions.Mmr,
            "rle" => FaxCodingOptions.TiffRleMh,
            _ => null,
        };
        var pages = new[] { TestPages.CorpusPage("fax-tiff/bitonal.tif"), TestPages.Random(1728, 90, 8) };
        using var stream = new MemoryStream();
        TiffFax.Write(stream, pages, coding);
        var read = TiffFax.Read(new MemoryStream(stream.ToArray()));
        Assert.Equal(2, read.Count);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(read[i].Report.IsClean);
            PageAssert.SamePixels(pages[i], read[i].Raster, $"{name} page {i}");
        }
    }

    [Fact]
    public void MMR_for_a_PDF_is_T6_with_EOFB_and_decodes_to_the_page()
    {
        var page = TiffFax.Read(RepoPaths.CorpusFile("t24/CCITT_6.TIF"))[0];
        var mmr = page.ToMmr();
        var decoded = FaxDecoder.DecodePage(mmr, page.Raster.Width, page.Raster.Height, FaxCodingOptions.Mmr, out var report);
        PageAssert.SamePixels(page.Raster, decoded, "MMR");
        Assert.True(report.EndMarkerSeen); // EOFB closes the data
    }

    [Fact]
    public void Not_a_TIFF_and_not_bilevel_give_the_domain_exception()
    {
        var e = Assert.Throws<FaxCodingException>(() => TiffFax.Read(new MemoryStream("%PDF-1.4 hello"u8.ToArray())));
        Assert.Contains("TIFF", e.Message, StringComparison.Ordinal);

        using var grey = new MemoryStream();
        using (var tiff = Tiff.ClientOpen("grey", "w", grey, new TiffStream())!)
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, 4);
            tiff.SetField(TiffTag.IMAGELENGTH, 1);
            tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tiff.WriteScanline(new byte[4], 0);
            tiff.WriteDirectory();
        }

        var notBilevel = Assert.Throws<FaxCodingException>(() => TiffFax.Read(new MemoryStream(grey.ToArray())));
        Assert.Contains("bilevel", notBilevel.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Min_is_black_and_LZW_bilevel_files_are_read_through_LibTiff_NET()
    {
        var page = TestPages.Random(300, 20, 2);
        using var stream = new MemoryStream();
        using (var tiff = Tiff.ClientOpen("lzw", "w", stream, new TiffStream())!)
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, 300);
            tiff.SetField(TiffTag.IMAGELENGTH, 20);
            tiff.SetField(TiffTag.BITSPERSAMPLE, 1);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tiff.SetField(TiffTag.COMPRESSION, Compression.LZW);
            tiff.SetField(TiffTag.ROWSPERSTRIP, 20);
            var row = new byte[page.Stride];
            for (var y = 0; y < 20; y++)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = (byte)~page.ReadRow(y)[i];
                }

                tiff.WriteScanline(row, y);
            }

            tiff.WriteDirectory();
        }

        var read = Assert.Single(TiffFax.Read(new MemoryStream(stream.ToArray())));
        Assert.Equal(TiffFaxCompression.Other, read.Compression);
        PageAssert.SamePixels(page, read.Raster, "LZW min-is-black");
    }
}
