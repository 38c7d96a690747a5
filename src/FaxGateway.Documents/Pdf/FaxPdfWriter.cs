using System.IO.Compression;

namespace FaxGateway.Documents.Pdf;

/// <summary>
/// Writes fax pages to PDF without re-encoding: each page's T.6 data becomes an image XObject with
/// /Filter /CCITTFaxDecode /DecodeParms &lt;&lt; /K -1 /Columns w /Rows h &gt;&gt;, drawn over the whole page, and the
/// page is sized from the fax resolution (1728 px at 204 dpi = 8.47 in; 1143 rows at 98 lpi = 11.66 in), so a
/// standard-resolution fax opens at its true size rather than squashed to half height.
/// </summary>
public static class FaxPdfWriter
{
    public static void Write(Stream output, IEnumerable<EncodedFaxPage> pages, string title = "Fax")
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(pages);
        var pdf = new PdfFile();
        foreach (var page in pages)
        {
            AddPage(pdf, page);
        }

        pdf.Save(output, title);
    }

    internal static void AddPage(PdfFile pdf, EncodedFaxPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var image = CcittImage(pdf, page);
        pdf.AddPage(page.WidthPoints, page.HeightPoints, PdfFile.Invariant($"<< /XObject << /Fax {image} 0 R >> >>"),
            PdfFile.Invariant($"q {page.WidthPoints:0.###} 0 0 {page.HeightPoints:0.###} 0 0 cm /Fax Do Q\n"));
    }

    /// <summary>An image XObject holding the page's T.6 data as it is.</summary>
    internal static int CcittImage(PdfFile pdf, EncodedFaxPage page) =>

        // K < 0: pure two-dimensional T.6. BlackIs1 stays false (the default): black runs decode to 0, which is
        // black in DeviceGray, the same meaning as TIFF's min-is-white fax pages.
        pdf.Add(PdfFile.Invariant($"<< /Type /XObject /Subtype /Image /Width {page.Width} /Height {page.Height} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns {page.Width} /Rows {page.Height} >> >>"),
            page.Mmr.ToArray());

    /// <summary>A raw 8-bit grey image (the report's thumbnail), Flate-compressed.</summary>
    internal static int GreyImage(PdfFile pdf, int width, int height, byte[] grey)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(grey);
        }

        return pdf.Add(PdfFile.Invariant($"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>"),
            compressed.ToArray());
    }
}
