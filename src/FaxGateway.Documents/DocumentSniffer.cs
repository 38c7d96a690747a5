using System.Text;

namespace FaxGateway.Documents;

/// <summary>The document types we accept, decided from the bytes alone.</summary>
public enum DocumentType
{
    Pdf,
    Tiff,
    Png,
    Jpeg,
    Text,
}

/// <summary>
/// Decides a document's type from its first bytes. File names and client-declared formats are never
/// consulted: a ".pdf" that is really a ZIP must fail as a ZIP, not confuse Ghostscript.
/// </summary>
public static class DocumentSniffer
{
    /// <summary>PDF readers accept the header anywhere in the first 1024 bytes (ISO 32000-1 annex H.3 note).</summary>
    private const int PdfHeaderWindow = 1024;

    private const int TextSampleBytes = 8192;

    private static readonly (byte[] Magic, string Name)[] KnownButUnsupported =
    [
        ("PK\u0003\u0004"u8.ToArray(), "a ZIP archive (Office documents such as .docx are ZIP files)"),
        ("GIF8"u8.ToArray(), "a GIF image"),
        ("BM"u8.ToArray(), "a BMP image"),
        ("%!PS"u8.ToArray(), "a PostScript file"),
        ([0xD0, 0xCF, 0x11, 0xE0], "a legacy Microsoft Office document"),
        ("{\\rtf"u8.ToArray(), "an RTF document"),
        ("RIFF"u8.ToArray(), "a RIFF file (WebP, WAV or AVI)"),
        ([0x1F, 0x8B], "a gzip archive"),
    ];

    /// <summary>Returns the type or throws <see cref="DocumentException"/> (UnsupportedType / Empty) naming what the bytes look like.</summary>
    public static DocumentType Sniff(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
        {
            DocumentException.Throw(DocumentProblem.Empty, "The document is empty (0 bytes).");
        }

        if (content.Slice(0, Math.Min(content.Length, PdfHeaderWindow)).IndexOf("%PDF-"u8) >= 0)
        {
            return DocumentType.Pdf;
        }

        if (content.StartsWith("II*\0"u8) || content.StartsWith("MM\0*"u8))
        {
            return DocumentType.Tiff;
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return DocumentType.Png;
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return DocumentType.Jpeg;
        }

        foreach (var (magic, name) in KnownButUnsupported)
        {
            if (content.StartsWith(magic))
            {
                DocumentException.Throw(DocumentProblem.UnsupportedType, $"The document is {name}; accepted types are PDF, TIFF, PNG, JPEG and plain text.");
            }
        }

        if (LooksLikeText(content))
        {
            return DocumentType.Text;
        }

        DocumentException.Throw(DocumentProblem.UnsupportedType, "The document is not PDF, TIFF, PNG, JPEG or plain UTF-8 text (its first bytes match none of them).");
        return default;
    }

    /// <summary>Plain text: valid UTF-8 (a cut at the sample end is allowed) with no control bytes other than tab, CR, LF, FF.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> content)
    {
        var sample = content.Slice(0, Math.Min(content.Length, TextSampleBytes));
        foreach (var b in sample)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C))
            {
                return false;
            }
        }

        var status = System.Text.Unicode.Utf8.ToUtf16(sample, new char[sample.Length], out _, out _, replaceInvalidSequences: false, isFinalBlock: sample.Length == content.Length);
        return status == System.Buffers.OperationStatus.Done || status == System.Buffers.OperationStatus.NeedMoreData;
    }

    internal static string Describe(DocumentType type) => type switch
    {
        DocumentType.Pdf => "PDF",
        DocumentType.Tiff => "TIFF",
        DocumentType.Png => "PNG",
        DocumentType.Jpeg => "JPEG",
        _ => "text",
    };

    internal static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
}
