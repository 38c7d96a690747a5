using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaxGateway.Documents.Raster;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Ingestion;

/// <summary>
/// PDF to fax pages with Ghostscript as a child process (never in-process: a hostile or broken PDF can at
/// worst cost one killed process). First a probe run counts the pages and reads each page's size, and a
/// document over the page limit is refused before anything is rendered. Then pages are rendered as grey
/// PGM frames on stdout at a resolution chosen so each page lands on the fax grid, and normalised while
/// Ghostscript renders the next. Everything runs under one deadline; on expiry the process tree is killed.
/// </summary>
internal sealed class GhostscriptRasterizer
{
    /// <summary>PDF readers look for "%%EOF" in the file's last 1024 bytes (ISO 32000-1, 7.5.5 and annex H).</summary>
    private const int TrailerWindow = 1024;

    private const int StderrKeep = 4096;

    /// <summary>Pages per Ghostscript run: bounds the cost of a retry-free restart and keeps runs short.</summary>
    private const int PagesPerRun = 50;

    private readonly ConversionOptions _options;

    public GhostscriptRasterizer(ConversionOptions options) => _options = options;

    internal sealed record PageBox(double WidthPoints, double HeightPoints);

    public async Task<IReadOnlyList<PageRaster>> RasterizeAsync(ReadOnlyMemory<byte> pdf, CancellationToken cancellationToken)
    {
        CheckStructure(pdf.Span);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.RasteriseTimeout);
        var directory = Directory.CreateTempSubdirectory("faxgw-pdf-");
        try
        {
            var path = Path.Combine(directory.FullName, "in.pdf");
            await File.WriteAllBytesAsync(path, pdf, deadline.Token).ConfigureAwait(false);
            var boxes = await ProbeAsync(path, deadline.Token).ConfigureAwait(false);
            var pages = new List<PageRaster>();
            for (var first = 1; first <= boxes.Count;)
            {
                // One run covers consecutive pages that need the same resolution (usually the whole document).
                var (xDpi, yDpi) = RenderResolution(boxes[first - 1]);
                var last = first;
                while (last < boxes.Count && last - first + 1 < PagesPerRun && RenderResolution(boxes[last]) == (xDpi, yDpi))
                {
                    last++;
                }

                await RenderAsync(path, first, last, xDpi, yDpi, pages, deadline.Token).ConfigureAwait(false);
                first = last + 1;
            }

            return pages;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The deadline, not the caller, cancelled: whatever was running has been killed.
            throw new DocumentException(DocumentProblem.Timeout, $"Rendering the PDF took longer than {_options.RasteriseTimeout.TotalSeconds:0.###} s; Ghostscript was stopped.", ex);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Truncation is checked here, not left to Ghostscript: it "repairs" a cut PDF and renders what is left.</summary>
    internal static void CheckStructure(ReadOnlySpan<byte> pdf)
    {
        var tail = pdf[Math.Max(0, pdf.Length - TrailerWindow)..];
        if (tail.IndexOf("%%EOF"u8) < 0)
        {
            DocumentException.Throw(DocumentProblem.Truncated, $"The PDF is truncated: its last {TrailerWindow} bytes hold no %%EOF end-of-file marker ({pdf.Length} bytes received).");
        }

        if (pdf.IndexOf("startxref"u8) < 0)
        {
            DocumentException.Throw(DocumentProblem.Corrupt, "The PDF has no cross-reference table (no \"startxref\"): it is broken.");
        }
    }

    /// <summary>
    /// Resolution for one page so the result is already on the fax grid: 204 dpi across (less for pages wider
    /// than the fax line), the fax lines per inch down, the same shrink on both axes. A landscape page is
    /// rendered with the axes' resolutions swapped, because the normaliser turns it a quarter turn.
    /// </summary>
    internal (double X, double Y) RenderResolution(PageBox box)
    {
        var widthInches = box.WidthPoints / 72.0;
        var heightInches = box.HeightPoints / 72.0;
        var landscape = widthInches > heightInches && widthInches > 8.75;
        var (across, down) = landscape ? (heightInches, widthInches) : (widthInches, heightInches);
        var shrink = Math.Min(1.0, FaxPageFormat.Width / (across * FaxPageFormat.XDpi));
        shrink *= _options.LengthShrink(down * shrink);

        var x = Math.Round(FaxPageFormat.XDpi * shrink, 3);
        var y = Math.Round(_options.YDpi * shrink, 3);
        return landscape ? (y, x) : (x, y);
    }

    private async Task<List<PageBox>> ProbeAsync(string path, CancellationToken deadline)
    {
        // pdfpagecount first, and quit at once when over the limit: a 10,000-page PDF costs one small read.
        var script = $"({path}) (r) file runpdfbegin pdfpagecount dup (COUNT ) print = {_options.MaxPages.ToString(CultureInfo.InvariantCulture)} gt {{ quit }} if "
            + "1 1 pdfpagecount { pdfgetpage dup /MediaBox pget { (BOX ) print == } { (BOX none) = } ifelse "
            + "/Rotate pget { (ROTATE ) print = } { (ROTATE 0) = } ifelse } for quit";
        var (stdout, stderr) = await RunTextAsync(["-q", "-dNODISPLAY", "-dSAFER", "-dBATCH", "-dNOPAUSE", $"--permit-file-read={path}", "-c", script], deadline).ConfigureAwait(false);
        var output = stdout + "\n" + stderr;
        if (output.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            DocumentException.Throw(DocumentProblem.Encrypted, "The PDF is encrypted and needs a password to open; send it without a password.");
        }

        var count = -1;
        var boxes = new List<PageBox>();
        var rotate = new List<int>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("COUNT ", StringComparison.Ordinal))
            {
                count = int.Parse(line.AsSpan(6), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("BOX ", StringComparison.Ordinal))
            {
                boxes.Add(ParseBox(line[4..]));
            }
            else if (line.StartsWith("ROTATE ", StringComparison.Ordinal))
            {
                rotate.Add(int.TryParse(line.AsSpan(7), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 0);
            }
        }

        if (count < 0)
        {
            DocumentException.Throw(DocumentProblem.Corrupt, $"Ghostscript could not read the PDF: {Summarise(output)}");
        }

        if (count > _options.MaxPages)
        {
            DocumentException.Throw(DocumentProblem.TooManyPages, $"The PDF has {count} pages; the limit is {_options.MaxPages}. Nothing was rendered.");
        }

        if (count == 0)
        {
            DocumentException.Throw(output.Contains("Error", StringComparison.Ordinal) ? DocumentProblem.Corrupt : DocumentProblem.Empty,
                $"The PDF has no pages Ghostscript can read. {Summarise(output)}");
        }

        if (boxes.Count != count || rotate.Count != count)
        {
            DocumentException.Throw(DocumentProblem.Corrupt, $"The PDF's page tree is broken: {count} pages counted, {boxes.Count} readable. {Summarise(output)}");
        }

        // /Rotate 90 or 270 swaps the page's width and height as rendered.
        for (var i = 0; i < boxes.Count; i++)
        {
            if (Math.Abs(rotate[i] % 180) == 90)
            {
                boxes[i] = new PageBox(boxes[i].HeightPoints, boxes[i].WidthPoints);
            }
        }

        return boxes;
    }

    private static PageBox ParseBox(string text)
    {
        var numbers = text.Trim('[', ']', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (numbers.Length != 4
            || !double.TryParse(numbers[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var x0)
            || !double.TryParse(numbers[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var y0)
            || !double.TryParse(numbers[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var x1)
            || !double.TryParse(numbers[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var y1))
        {
            throw new DocumentException(DocumentProblem.Corrupt, $"A page of the PDF has an unreadable MediaBox ({text}).");
        }

        var width = Math.Abs(x1 - x0);
        var height = Math.Abs(y1 - y0);
        if (width < 1 || height < 1 || width > 14400 || height > 14400)
        {
            throw new DocumentException(DocumentProblem.Corrupt, $"A page of the PDF has an impossible size ({width}×{height} points).");
        }

        return new PageBox(width, height);
    }

    private async Task RenderAsync(string path, int first, int last, double xDpi, double yDpi, List<PageRaster> pages, CancellationToken deadline)
    {
        string[] arguments =
        [
            "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dNOINTERPOLATE", $"--permit-file-read={path}",
            "-sDEVICE=pgmraw", string.Create(CultureInfo.InvariantCulture, $"-r{xDpi}x{yDpi}"),
            string.Create(CultureInfo.InvariantCulture, $"-dFirstPage={first}"), string.Create(CultureInfo.InvariantCulture, $"-dLastPage={last}"),

            // Page images go to stdout; PostScript's own stdout is sent to stderr so it cannot corrupt them.
            "-sstdout=%stderr", "-sOutputFile=-", path,
        ];
        using var process = Start(arguments);
        var stderrTask = ReadLimitedAsync(process.StandardError, deadline);
        try
        {
            var stdout = new BufferedStream(process.StandardOutput.BaseStream, 1 << 16);
            var rendered = 0;
            while (await PortableGreyMap.ReadFrameAsync(stdout, _options.MaxSourcePixels, deadline).ConfigureAwait(false) is { } frame)
            {
                var grey = new GreyImage(frame.Width, frame.Height, frame.Pixels, xDpi, yDpi);
                pages.AddRange(FaxPageNormalizer.Normalize(grey, _options));
                rendered++;
            }

            await process.WaitForExitAsync(deadline).ConfigureAwait(false);
            var stderr = await stderrTask.ConfigureAwait(false);
            if (process.ExitCode != 0 || rendered != last - first + 1)
            {
                throw new DocumentException(DocumentProblem.RasteriserFailed,
                    $"Ghostscript failed on pages {first}-{last} (exit code {process.ExitCode}, {rendered} pages rendered): {Summarise(stderr)}");
            }
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    private async Task<(string Stdout, string Stderr)> RunTextAsync(string[] arguments, CancellationToken deadline)
    {
        using var process = Start(arguments);
        try
        {
            var stdout = ReadLimitedAsync(process.StandardOutput, deadline, 1 << 22);
            var stderr = ReadLimitedAsync(process.StandardError, deadline);
            await process.WaitForExitAsync(deadline).ConfigureAwait(false);
            return (await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    private Process Start(string[] arguments)
    {
        var start = new ProcessStartInfo(_options.GhostscriptPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(start) ?? throw new DocumentException(DocumentProblem.RasteriserFailed, $"Ghostscript ({_options.GhostscriptPath}) did not start.");
            process.StandardInput.Close();
            return process;
        }
        catch (Win32Exception ex)
        {
            throw new DocumentException(DocumentProblem.RasteriserFailed, $"Ghostscript ({_options.GhostscriptPath}) could not be started: {ex.Message}. Install the Debian package ghostscript.", ex);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill: nothing left to stop.
        }
    }

    /// <summary>Reads a text stream to its end, keeping at most <paramref name="limit"/> characters (the tail).</summary>
    private static async Task<string> ReadLimitedAsync(StreamReader reader, CancellationToken cancellationToken, int limit = StderrKeep)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            kept.Append(buffer, 0, read);
            if (kept.Length > limit)
            {
                kept.Remove(0, kept.Length - limit);
            }
        }

        return kept.ToString();
    }

    private static string Summarise(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("COUNT", StringComparison.Ordinal) && !l.StartsWith("BOX", StringComparison.Ordinal) && !l.StartsWith("ROTATE", StringComparison.Ordinal))
            .Take(4);
        var text = string.Join(" / ", lines);
        return text.Length == 0 ? "(no message)" : text;
    }
}
