using System.Buffers;
using System.Diagnostics;
using BitMiracle.LibTiff.Classic;

namespace FaxGateway.Imaging.Tests;

/// <summary>Pages the property tests code and decode, and the coding flavours they go through.</summary>
internal static class TestPages
{
    public static PageRaster Empty(int width, int height) => new(width, height);

    public static PageRaster AllBlack(int width, int height)
    {
        var page = new PageRaster(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                page[x, y] = true;
            }
        }

        return page;
    }

    /// <summary>Every other pixel black, shifted by one on every row: a change at every pixel, reference changes at every pixel.</summary>
    public static PageRaster Alternating(int width, int height)
    {
        var page = new PageRaster(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = (y & 1); x < width; x += 2)
            {
                page[x, y] = true;
            }
        }

        return page;
    }

    /// <summary>Rows made of runs of every length from 0 to beyond 2560, alternating colours, for both starting colours.</summary>
    public static PageRaster AllRunLengths(int width)
    {
        var total = 0L;
        for (var run = 0; run <= 2700; run++)
        {
            total += run;
        }

        var rowsPerPass = (int)((total + width - 1) / width);
        var page = new PageRaster(width, rowsPerPass * 2);
        long pos = 0;
        var black = false;
        for (var run = 0; run <= 2700; run++)
        {
            for (var i = 0; i < run; i++, pos++)
            {
                var y = (int)(pos / width);
                var x = (int)(pos % width);
                page[x, 2 * y] = black;
                page[x, (2 * y) + 1] = !black;
            }

            black = !black;
        }

        // The tail of the last row pair is past the runs: keep it white/black like the rest of its row pair.
        for (var p = pos; p < (long)rowsPerPass * width; p++)
        {
            page[(int)(p % width), (int)((2 * (p / width)) + 1)] = true;
        }

        return page;
    }

    /// <summary>Random runs with lengths drawn from short, medium and long ranges; rows often repeat or shift slightly, as in real pages.</summary>
    public static PageRaster Random(int width, int height, int seed)
    {
        var random = new Random(seed);
        var page = new PageRaster(width, height);
        for (var y = 0; y < height; y++)
        {
            var mode = random.Next(4);
            if (y > 0 && mode == 0)
            {
                page.ReadRow(y - 1).CopyTo(page.Row(y));
                if (random.Next(2) == 0)
                {
                    page[random.Next(width), y] ^= true;
                }

                continue;
            }

            var x = 0;
            var black = random.Next(2) == 0;
            while (x < width)
            {
                var run = random.Next(3) switch
                {
                    0 => random.Next(1, 8),
                    1 => random.Next(1, 100),
                    _ => random.Next(1, 3000),
                };
                for (var i = 0; i < run && x < width; i++, x++)
                {
                    page[x, y] = black;
                }

                black = !black;
            }
        }

        return page;
    }

    /// <summary>The flavours a TIFF can carry (compression 2, 3 and 4), in both bit orders.</summary>
    public static IEnumerable<(string Name, FaxCodingOptions Options)> TiffFlavours()
    {
        var msb = new (string, FaxCodingOptions)[]
        {
            ("mh-eol-rtc", FaxCodingOptions.Mh),
            ("mh-eol-nortc", FaxCodingOptions.Mh with { EndOfPage = FaxEndOfPage.None }),
            ("mh-eol-aligned", FaxCodingOptions.Mh with { EolMode = FaxEolMode.EolByteAligned }),
            ("mh-eol-minbits", FaxCodingOptions.Mh with { MinBitsPerRow = 480 }),
            ("mh-rle", FaxCodingOptions.TiffRleMh),
            ("mr-k1", new FaxCodingOptions(FaxCoding.Mr, K: 1)),
            ("mr-k2", new FaxCodingOptions(FaxCoding.Mr, K: 2)),
            ("mr-k4-aligned-minbits", new FaxCodingOptions(FaxCoding.Mr, K: 4, EolMode: FaxEolMode.EolByteAligned, MinBitsPerRow: 300)),
            ("mr-kinf", new FaxCodingOptions(FaxCoding.Mr, K: int.MaxValue, EndOfPage: FaxEndOfPage.None)),
            ("mmr-eofb", FaxCodingOptions.Mmr),
            ("mmr-noeofb", FaxCodingOptions.Mmr with { EndOfPage = FaxEndOfPage.None }),
        };
        foreach (var (name, options) in msb)
        {
            yield return (name + "-msb", options);
            yield return (name + "-lsb", options with { BitOrder = FaxBitOrder.LsbFirst });
        }
    }

    /// <summary>All flavours, including those only a fax line uses (MH without EOL and without byte alignment).</summary>
    public static IEnumerable<(string Name, FaxCodingOptions Options)> AllFlavours() =>
        TiffFlavours().Append(("mh-noeol", new FaxCodingOptions(FaxCoding.Mh, EolMode: FaxEolMode.None, EndOfPage: FaxEndOfPage.None)))
            .Append(("mh-noeol-lsb", new FaxCodingOptions(FaxCoding.Mh, EolMode: FaxEolMode.None, BitOrder: FaxBitOrder.LsbFirst, EndOfPage: FaxEndOfPage.None)));

    public static byte[] Encode(PageRaster page, FaxCodingOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new FaxEncoder(page.Width, options).EncodePage(page, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static PageRaster Decode(byte[] data, int width, int height, FaxCodingOptions options, out FaxDecodeReport report) =>
        FaxDecoder.DecodePage(data, width, height, options, out report);

    /// <summary>
    /// A single-strip TIFF around our coded data, with the tags a reader needs for these options (FillOrder from the
    /// bit order), so LibTiff.NET and libtiff's tools can decode what our encoder wrote.
    /// </summary>
    public static byte[] WrapInTiff(byte[] strip, int width, int height, FaxCodingOptions options)
    {
        using var stream = new MemoryStream();
        using (var tiff = Tiff.ClientOpen("wrap", "w", stream, new TiffStream())!)
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, width);
            tiff.SetField(TiffTag.IMAGELENGTH, height);
            tiff.SetField(TiffTag.BITSPERSAMPLE, 1);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISWHITE);
            tiff.SetField(TiffTag.FILLORDER, options.BitOrder == FaxBitOrder.LsbFirst ? FillOrder.LSB2MSB : FillOrder.MSB2LSB);
            tiff.SetField(TiffTag.ROWSPERSTRIP, height);
            tiff.SetField(TiffTag.XRESOLUTION, 204f);
            tiff.SetField(TiffTag.YRESOLUTION, 196f);
            tiff.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.INCH);
            if (options.TiffRle)
            {
                tiff.SetField(TiffTag.COMPRESSION, Compression.CCITTRLE);
            }
            else if (options.Coding == FaxCoding.Mmr)
            {
                tiff.SetField(TiffTag.COMPRESSION, Compression.CCITTFAX4);
            }
            else
            {
                tiff.SetField(TiffTag.COMPRESSION, Compression.CCITTFAX3);
                var t4 = (options.Coding == FaxCoding.Mr ? 1 : 0) | (options.EolMode == FaxEolMode.EolByteAligned ? 4 : 0);
                tiff.SetField(TiffTag.GROUP3OPTIONS, t4);
            }

            tiff.WriteRawStrip(0, strip, strip.Length);
            tiff.WriteDirectory();
        }

        return stream.ToArray();
    }

    /// <summary>Runs libtiff's tiffcp (libtiff-tools) to decompress a TIFF, and reads the uncompressed result.</summary>
    public static List<PageRaster> DecodeWithTiffcp(byte[] tiffFile)
    {
        var dir = Directory.CreateTempSubdirectory("faxgw-tiffcp-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.tif");
            var output = Path.Combine(dir.FullName, "out.tif");
            File.WriteAllBytes(input, tiffFile);
            var start = new ProcessStartInfo("tiffcp", ["-c", "none", input, output])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                throw new TimeoutException("tiffcp did not finish");
            }

            Assert.True(process.ExitCode == 0, $"tiffcp failed ({process.ExitCode}): {stderr}");
            Assert.DoesNotContain("Warning", stderr, StringComparison.Ordinal);
            return LibTiffReference.ReadPages(output);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    public static PageRaster CorpusPage(string relative, int page = 0) => TiffFax.Read(RepoPaths.CorpusFile(relative))[page].Raster;

    /// <summary>The first rows of a page, as a smaller page.</summary>
    public static PageRaster Crop(PageRaster page, int rows)
    {
        var result = new PageRaster(page.Width, Math.Min(rows, page.Height), page.XDpi, page.YDpi);
        page.Pixels.AsSpan(0, result.Pixels.Length).CopyTo(result.Pixels);
        return result;
    }
}
