using BitMiracle.LibTiff.Classic;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Tests.Support;

/// <summary>Independent checks of our PDFs with poppler-utils, and independent TIFF decoding with LibTiff.</summary>
internal static class Poppler
{
    public static string Info(byte[] pdf) => WithFile(pdf, path => TestFiles.Run("pdfinfo", [path]));

    public static string Text(byte[] pdf) => WithFile(pdf, path => TestFiles.Run("pdftotext", ["-layout", path, "-"]));

    public static string ListImages(byte[] pdf) => WithFile(pdf, path => TestFiles.Run("pdfimages", ["-list", path]));

    /// <summary>Renders one page with pdftoppm at the given resolution per axis (-rx, -ry), as grey.</summary>
    public static (int Width, int Height, byte[] Grey) Render(byte[] pdf, int page, double xDpi, double yDpi) => WithFile(pdf, path =>
    {
        var prefix = Path.Combine(Path.GetDirectoryName(path)!, "render");
        TestFiles.Run("pdftoppm", ["-gray", "-aa", "no", "-aaVector", "no", "-f", $"{page}", "-l", $"{page}", "-singlefile",
            "-rx", xDpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-ry", yDpi.ToString(System.Globalization.CultureInfo.InvariantCulture), path, prefix]);
        return TestFiles.ReadPnm(File.ReadAllBytes(prefix + ".pgm"));
    });

    /// <summary>Every image of a PDF decoded by pdfimages (poppler's own CCITT decoder), as PBM pages in order.</summary>
    public static List<PageRaster> ExtractImages(byte[] pdf) => WithFile(pdf, path =>
    {
        var prefix = Path.Combine(Path.GetDirectoryName(path)!, "img");
        TestFiles.Run("pdfimages", [path, prefix]);
        return Directory.GetFiles(Path.GetDirectoryName(path)!, "img-*.pbm").Order(StringComparer.Ordinal)
            .Select(f => TestFiles.FromPbm(File.ReadAllBytes(f), 204, 196)).ToList();
    });

    /// <summary>
    /// Rows of a poppler rendering that match neither the page's row at the same index nor a neighbour.
    /// Poppler's image scaler, even at an exact 1:1 mapping, rounds one or two row boundaries of a tall image
    /// differently (a row repeated, the next dropped); anything beyond that one-row slip is a real difference.
    /// </summary>
    public static int RowsNotMatching((int Width, int Height, byte[] Grey) rendered, PageRaster page)
    {
        Assert.Equal(page.Width, rendered.Width);
        Assert.Equal(page.Height, rendered.Height);
        bool Same(int renderedRow, int pageRow)
        {
            for (var x = 0; x < page.Width; x++)
            {
                if ((rendered.Grey[(renderedRow * rendered.Width) + x] < 128) != page[x, pageRow])
                {
                    return false;
                }
            }

            return true;
        }

        return Enumerable.Range(0, page.Height).Count(y => !Same(y, y) && !(y > 0 && Same(y, y - 1)) && !(y + 1 < page.Height && Same(y, y + 1)));
    }

    /// <summary>Pixels where a poppler rendering (grey &lt; 128 = black) and a page disagree.</summary>
    public static int Differences((int Width, int Height, byte[] Grey) rendered, PageRaster page)
    {
        Assert.Equal(page.Width, rendered.Width);
        Assert.Equal(page.Height, rendered.Height);
        var differing = 0;
        for (var y = 0; y < page.Height; y++)
        {
            for (var x = 0; x < page.Width; x++)
            {
                if ((rendered.Grey[(y * rendered.Width) + x] < 128) != page[x, y])
                {
                    differing++;
                }
            }
        }

        return differing;
    }

    /// <summary>Decodes every page of a bilevel TIFF with LibTiff (not our code) for comparison.</summary>
    public static List<PageRaster> DecodeTiff(byte[] tiffBytes)
    {
        using var stream = new MemoryStream(tiffBytes);
        using var tiff = Tiff.ClientOpen("ref", "r", stream, new TiffStream())!;
        var pages = new List<PageRaster>();
        do
        {
            var width = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
            var height = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
            var x = tiff.GetField(TiffTag.XRESOLUTION)?[0].ToDouble() ?? 204;
            var y = tiff.GetField(TiffTag.YRESOLUTION)?[0].ToDouble() ?? 196;
            var minIsBlack = (Photometric)(tiff.GetField(TiffTag.PHOTOMETRIC)?[0].ToInt() ?? 0) == Photometric.MINISBLACK;
            var page = new PageRaster(width, height, x, y);
            var row = new byte[tiff.ScanlineSize()];
            for (var r = 0; r < height; r++)
            {
                Assert.True(tiff.ReadScanline(row, r));
                var dst = page.Row(r);
                for (var i = 0; i < dst.Length; i++)
                {
                    dst[i] = minIsBlack ? (byte)~row[i] : row[i];
                }

                if ((width & 7) != 0)
                {
                    dst[^1] &= (byte)(0xFF << (8 - (width & 7)));
                }
            }

            pages.Add(page);
        }
        while (tiff.ReadDirectory());

        return pages;
    }

    private static T WithFile<T>(byte[] pdf, Func<string, T> action)
    {
        var directory = Directory.CreateTempSubdirectory("faxgw-poppler-");
        try
        {
            var path = Path.Combine(directory.FullName, "doc.pdf");
            File.WriteAllBytes(path, pdf);
            return action(path);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
