using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Tests.Support;

/// <summary>Makes test inputs at test time (PDFs from PostScript through Ghostscript, PDFs by hand) and runs the poppler tools.</summary>
internal static class TestFiles
{
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FaxGateway.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FaxGateway.sln not found above " + AppContext.BaseDirectory);
    }

    public static string GoldenDirectory => Path.Combine(RepositoryRoot(), "tests", "FaxGateway.Documents.Tests", "Golden");

    /// <summary>PostScript with one page per entry: page size in points and lines of text in Helvetica.</summary>
    public static string PostScript(params (double Width, double Height, string[] Lines)[] pages)
    {
        var ps = new StringBuilder("%!PS\n/Helvetica findfont 18 scalefont setfont\n");
        foreach (var (width, height, lines) in pages)
        {
            ps.Append(CultureInfo.InvariantCulture, $"<< /PageSize [{width} {height}] >> setpagedevice\n/Helvetica findfont 18 scalefont setfont\n");
            var y = height - 72;
            foreach (var line in lines)
            {
                ps.Append(CultureInfo.InvariantCulture, $"72 {y} moveto ({line}) show\n");
                y -= 24;
            }

            // A frame 36 pt inside the page edge: shows scaling and centring in the raster.
            ps.Append(CultureInfo.InvariantCulture, $"4 setlinewidth 36 36 moveto {width - 36} 36 lineto {width - 36} {height - 36} lineto 36 {height - 36} lineto closepath stroke\nshowpage\n");
        }

        return ps.ToString();
    }

    /// <summary>Runs Ghostscript's pdfwrite on PostScript; extra arguments (passwords) are passed through.</summary>
    public static byte[] PdfFromPostScript(string postScript, params string[] extra)
    {
        var directory = Directory.CreateTempSubdirectory("faxgw-test-");
        try
        {
            var input = Path.Combine(directory.FullName, "in.ps");
            var output = Path.Combine(directory.FullName, "out.pdf");
            File.WriteAllText(input, postScript);
            Run("gs", ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", .. extra, $"-sOutputFile={output}", input]);
            return File.ReadAllBytes(output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A hand-written PDF whose page tree lists <paramref name="pageCount"/> pages that all share one content
    /// stream: 10,000 pages in a few hundred kilobytes, cheap to make and quick to count.
    /// </summary>
    public static byte[] SharedContentPdf(int pageCount)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            string.Create(CultureInfo.InvariantCulture, $"<< /Type /Pages /Count {pageCount} /Kids [{string.Join(' ', Enumerable.Range(0, pageCount).Select(i => $"{i + 5} 0 R"))}] >>"),
            "<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Shared page) Tj ET\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        for (var i = 0; i < pageCount; i++)
        {
            objects.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>");
        }

        return HandWrittenPdf(objects);
    }

    /// <summary>Serialises numbered objects (1-based, in order) with a correct xref table and trailer.</summary>
    public static byte[] HandWrittenPdf(IReadOnlyList<string> objects)
    {
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    public static string Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>Binary PBM (P4): the same packing as <see cref="PageRaster"/> (MSB first, 1 = black).</summary>
    public static byte[] ToPbm(PageRaster page)
    {
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"P4\n{page.Width} {page.Height}\n"));
        return [.. header, .. page.Pixels.AsSpan(0, page.Stride * page.Height)];
    }

    public static PageRaster FromPbm(byte[] pbm, double xDpi, double yDpi)
    {
        var (tokens, offset) = Header(pbm, 3);
        if (tokens[0] != "P4")
        {
            throw new InvalidDataException("Not a binary PBM.");
        }

        var width = int.Parse(tokens[1], CultureInfo.InvariantCulture);
        var height = int.Parse(tokens[2], CultureInfo.InvariantCulture);
        return new PageRaster(width, height, pbm[offset..], xDpi, yDpi);
    }

    /// <summary>Reads PGM (P5) or PPM (P6) as written by pdftoppm, returning grey values per pixel.</summary>
    public static (int Width, int Height, byte[] Grey) ReadPnm(byte[] data)
    {
        var (tokens, offset) = Header(data, 4);
        var width = int.Parse(tokens[1], CultureInfo.InvariantCulture);
        var height = int.Parse(tokens[2], CultureInfo.InvariantCulture);
        var grey = new byte[width * height];
        var channels = tokens[0] == "P6" ? 3 : 1;
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = data[offset + (i * channels)];
        }

        return (width, height, grey);
    }

    private static (string[] Tokens, int Offset) Header(byte[] data, int count)
    {
        var tokens = new List<string>();
        var i = 0;
        while (tokens.Count < count)
        {
            while (char.IsWhiteSpace((char)data[i]))
            {
                i++;
            }

            if (data[i] == '#')
            {
                while (data[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            var start = i;
            while (!char.IsWhiteSpace((char)data[i]))
            {
                i++;
            }

            tokens.Add(Encoding.ASCII.GetString(data, start, i - start));
        }

        return ([.. tokens], i + 1);
    }

    public static int BlackPixels(PageRaster page) => page.Pixels.Sum(b => System.Numerics.BitOperations.PopCount(b));

    /// <summary>The bounding box of black pixels (x0, y0, x1, y1 inclusive), or null for an empty page.</summary>
    public static (int X0, int Y0, int X1, int Y1)? InkBounds(PageRaster page)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (var y = 0; y < page.Height; y++)
        {
            var row = page.ReadRow(y);
            if (row.IndexOfAnyExcept((byte)0) < 0)
            {
                continue;
            }

            for (var x = 0; x < page.Width; x++)
            {
                if (page[x, y])
                {
                    x0 = Math.Min(x0, x);
                    x1 = Math.Max(x1, x);
                    y0 = Math.Min(y0, y);
                    y1 = Math.Max(y1, y);
                }
            }
        }

        return x1 < 0 ? null : (x0, y0, x1, y1);
    }
}
