using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using FaxGateway.Documents;
using FaxGateway.Documents.Ingestion;
using FaxGateway.Documents.Pdf;
using FaxGateway.Documents.Raster;
using FaxGateway.Imaging;

namespace FaxGateway.Benchmarks.Documents;

/// <summary>
/// Targets (issue 5): PDF to fax pages at least 20 text pages/s on one core, our part (Ghostscript's
/// rasterising excluded, measured separately end to end); received TIFF to PDF at least 500 pages/s.
/// Each benchmark handles <see cref="Pages"/> pages per operation: pages/s = Pages / mean.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class DocumentBenchmarks
{
    public const int Pages = 10;

    private static readonly ConversionOptions Fine = new() { Resolution = FaxResolution.Fine, Paper = PaperSize.A4 };

    private byte[] _pdf = [];
    private byte[] _pgmFrames = [];
    private byte[] _storedTiff = [];

    [GlobalSetup]
    public void Setup()
    {
        var directory = Directory.CreateTempSubdirectory("faxgw-bench-");
        try
        {
            var ps = Path.Combine(directory.FullName, "text.ps");
            File.WriteAllText(ps, TextPages(Pages));
            var pdf = Path.Combine(directory.FullName, "text.pdf");
            Gs("-sDEVICE=pdfwrite", $"-sOutputFile={pdf}", ps);
            _pdf = File.ReadAllBytes(pdf);

            // The frames Ghostscript writes to our pipe for this PDF (A4 at 204x196), captured once.
            var pgm = Path.Combine(directory.FullName, "pages.pgm");
            Gs("-sDEVICE=pgmraw", "-r204x196", $"-sOutputFile={pgm}", pdf);
            _pgmFrames = File.ReadAllBytes(pgm);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        var document = DocumentConverter.ConvertAsync(_pdf, Fine).GetAwaiter().GetResult();
        using var tiff = new MemoryStream();
        document.WriteTiff(tiff);
        _storedTiff = tiff.ToArray();
    }

    /// <summary>Our part of PDF ingestion: Ghostscript's PGM frames to dithered fax pages stored as MMR TIFF-F.</summary>
    [Benchmark]
    public async Task<long> PgmFramesToStoredFaxPages()
    {
        var stream = new MemoryStream(_pgmFrames, writable: false);
        var pages = new List<PageRaster>(Pages);
        while (await PortableGreyMap.ReadFrameAsync(stream, Fine.MaxSourcePixels, CancellationToken.None).ConfigureAwait(false) is { } frame)
        {
            pages.AddRange(FaxPageNormalizer.Normalize(new GreyImage(frame.Width, frame.Height, frame.Pixels, 204, 196), Fine));
        }

        using var output = new MemoryStream();
        TiffFax.Write(output, pages, FaxCodingOptions.Mmr);
        return output.Length;
    }

    /// <summary>The whole conversion including Ghostscript (two child processes: page count, render).</summary>
    [Benchmark]
    public async Task<int> PdfToFaxPagesWithGhostscript()
    {
        var document = await DocumentConverter.ConvertAsync(_pdf, Fine).ConfigureAwait(false);
        return document.Pages.Count;
    }

    /// <summary>A received fax (MMR TIFF-F) to PDF: pages pass through as CCITT images.</summary>
    [Benchmark]
    public long ReceivedTiffToPdf()
    {
        using var pdf = new MemoryStream();
        ReceivedFax.TiffToPdf(new MemoryStream(_storedTiff, writable: false), pdf);
        return pdf.Length;
    }

    private static string TextPages(int pages)
    {
        var ps = new StringBuilder("%!PS\n<< /PageSize [595 842] >> setpagedevice\n/Courier findfont 10 scalefont setfont\n");
        for (var p = 0; p < pages; p++)
        {
            for (var line = 0; line < 64; line++)
            {
                ps.Append(CultureInfo.InvariantCulture, $"56 {790 - (line * 11.5):0.#} moveto (Page {p + 1} line {line + 1}: the quick brown fox jumps over the lazy dog 0123456789) show\n");
            }

            ps.Append("showpage\n");
        }

        return ps.ToString();
    }

    private static void Gs(params string[] arguments)
    {
        var start = new ProcessStartInfo("gs") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"gs failed: {process.StandardError.ReadToEnd()}");
        }
    }
}
