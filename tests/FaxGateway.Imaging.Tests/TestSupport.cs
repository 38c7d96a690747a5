using BitMiracle.LibTiff.Classic;
using FaxGateway.Imaging;

namespace FaxGateway.Imaging.Tests;

/// <summary>Paths into the repository: the corpus lives in tests/corpus next to FaxGateway.sln.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FaxGateway.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FaxGateway.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootPath.Value;

    public static string Corpus => Path.Combine(Root, "tests", "corpus");

    public static string CorpusFile(string relative) => Path.Combine(Corpus, relative);

    public static IEnumerable<string> CorpusFiles() =>
        Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".tif", StringComparison.OrdinalIgnoreCase))
            .Select(f => Path.GetRelativePath(Corpus, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static string Golden(string name) => Path.Combine(Root, "tests", "FaxGateway.Imaging.Tests", "Golden", name);
}

/// <summary>Decodes TIFF pages with LibTiff.NET's own codec: the reference the tests compare against.</summary>
internal static class LibTiffReference
{
    private static readonly object Gate = new();

    /// <summary>Every page as packed rows, 1 = black (min-is-white data as LibTiff.NET returns it).</summary>
    public static List<PageRaster> ReadPages(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadPages(stream);
    }

    public static List<PageRaster> ReadPages(Stream stream)
    {
        lock (Gate)
        {
            var pages = new List<PageRaster>();
            using var tiff = Tiff.ClientOpen("reference", "r", stream, new TiffStream()) ?? throw new InvalidOperationException("LibTiff.NET cannot open the file");
            do
            {
                var width = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
                var height = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
                var photometric = tiff.GetField(TiffTag.PHOTOMETRIC)?[0].ToInt() ?? 0;
                var page = new PageRaster(width, height);
                var line = new byte[Math.Max(tiff.ScanlineSize(), page.Stride)];
                for (var y = 0; y < height; y++)
                {
                    if (!tiff.ReadScanline(line, y))
                    {
                        break;
                    }

                    for (var i = 0; i < page.Stride; i++)
                    {
                        page.Pixels[(y * page.Stride) + i] = photometric == 1 ? (byte)~line[i] : line[i];
                    }

                    if ((width & 7) != 0)
                    {
                        page.Pixels[(y * page.Stride) + page.Stride - 1] &= (byte)(0xFF << (8 - (width & 7)));
                    }
                }

                pages.Add(page);
            }
            while (tiff.ReadDirectory());

            return pages;
        }
    }
}

internal static class PageAssert
{
    /// <summary>Fails with the first differing row and column.</summary>
    public static void SamePixels(PageRaster expected, PageRaster actual, string what)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        for (var y = 0; y < expected.Height; y++)
        {
            var e = expected.ReadRow(y);
            var a = actual.ReadRow(y);
            if (!e.SequenceEqual(a))
            {
                var x = 0;
                while (x < expected.Width && expected[x, y] == actual[x, y])
                {
                    x++;
                }

                Assert.Fail($"{what}: row {y} differs first at x={x}");
            }
        }
    }
}
