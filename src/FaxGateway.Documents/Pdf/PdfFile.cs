using System.Globalization;
using System.Text;

namespace FaxGateway.Documents.Pdf;

/// <summary>
/// A minimal PDF 1.4 writer for what fax output needs: pages, image XObjects whose already-compressed data
/// is copied as is (CCITTFaxDecode, FlateDecode), content streams and the standard 14 fonts. Objects are
/// written in order with an exact cross-reference table, so the output is byte-for-byte deterministic.
/// (PDFsharp was the plan, but the only version on the package mirror, 6.5.0, is AGPL-3.0-only and refuses
/// to run until the caller opts the whole product into the AGPL.)
/// </summary>
internal sealed class PdfFile
{
    private const int CatalogObject = 1;
    private const int PagesObject = 2;
    private const int InfoObject = 3;

    private readonly List<(string Dictionary, byte[]? Stream)?> _objects = [null, null, null];
    private readonly List<int> _pages = [];

    public int PageCount => _pages.Count;

    /// <summary>Adds an object and returns its number. A stream gets its /Length added here.</summary>
    public int Add(string dictionary, byte[]? stream = null)
    {
        _objects.Add((dictionary, stream));
        return _objects.Count;
    }

    /// <summary>Adds a page of the given size in points with its resources and one content stream.</summary>
    public int AddPage(double widthPoints, double heightPoints, string resources, string content)
    {
        var contentObject = Add("<<>>", Encoding.Latin1.GetBytes(content));
        var page = Add(Invariant($"<< /Type /Page /Parent {PagesObject} 0 R /MediaBox [0 0 {widthPoints:0.###} {heightPoints:0.###}] /Resources {resources} /Contents {contentObject} 0 R >>"));
        _pages.Add(page);
        return page;
    }

    public void Save(Stream output, string title)
    {
        if (_pages.Count == 0)
        {
            throw new DocumentException(DocumentProblem.Empty, "A PDF needs at least one page.");
        }

        _objects[CatalogObject - 1] = (Invariant($"<< /Type /Catalog /Pages {PagesObject} 0 R >>"), null);
        _objects[PagesObject - 1] = (Invariant($"<< /Type /Pages /Count {_pages.Count} /Kids [{string.Join(' ', _pages.Select(p => Invariant($"{p} 0 R")))}] >>"), null);
        _objects[InfoObject - 1] = ($"<< /Title {Literal(title)} /Creator (FaxGateway) /Producer (FaxGateway) >>", null);

        var buffered = new BufferedStream(output, 1 << 16);
        long position = 0;
        void Write(ReadOnlySpan<byte> bytes)
        {
            buffered.Write(bytes);
            position += bytes.Length;
        }

        // Binary comment after the header: tells transfer tools the file is binary (ISO 32000-1, 7.5.2).
        Write("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n"u8);
        var offsets = new long[_objects.Count];
        for (var i = 0; i < _objects.Count; i++)
        {
            offsets[i] = position;
            var (dictionary, stream) = _objects[i]!.Value;
            if (stream is null)
            {
                Write(Encoding.Latin1.GetBytes(Invariant($"{i + 1} 0 obj\n{dictionary}\nendobj\n")));
                continue;
            }

            // Insert /Length into the stream dictionary ("<< ..." -> "<< /Length n ...").
            Write(Encoding.Latin1.GetBytes(Invariant($"{i + 1} 0 obj\n<< /Length {stream.Length} {dictionary[2..]}\nstream\n")));
            Write(stream);
            Write("\nendstream\nendobj\n"u8);
        }

        var xref = position;
        var table = new StringBuilder(Invariant($"xref\n0 {_objects.Count + 1}\n0000000000 65535 f \n"));
        foreach (var offset in offsets)
        {
            table.Append(Invariant($"{offset:D10} 00000 n \n"));
        }

        table.Append(Invariant($"trailer\n<< /Size {_objects.Count + 1} /Root {CatalogObject} 0 R /Info {InfoObject} 0 R >>\nstartxref\n{xref}\n%%EOF\n"));
        Write(Encoding.Latin1.GetBytes(table.ToString()));
        buffered.Flush();
    }

    /// <summary>A PDF literal string in WinAnsi/Latin-1: delimiters escaped, control characters as spaces, others as '?'.</summary>
    public static string Literal(string text)
    {
        var result = new StringBuilder(text.Length + 2).Append('(');
        foreach (var ch in text)
        {
            result.Append(ch switch
            {
                '(' or ')' or '\\' => "\\" + ch,
                < ' ' => " ",
                > '\u00ff' => "?",
                _ => ch.ToString(),
            });
        }

        return result.Append(')').ToString();
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
