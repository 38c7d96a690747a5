using FaxGateway.Core.Model;

namespace FaxGateway.Core.Documents;

/// <summary>An uploaded document to convert, in page order.</summary>
public sealed record DocumentSource(string FullPath, string ContentType, string Name);

/// <summary>How to render an outgoing document.</summary>
public sealed record DocumentConversionRequest
{
    /// <summary>FAX.PLUS <c>options.enhancement</c>: text-optimised rendering.</summary>
    public bool Enhancement { get; init; } = true;

    /// <summary>Cover page request as FAX.PLUS OutboxCoverPage JSON, or null.</summary>
    public string? CoverPageJson { get; init; }

    /// <summary>The resolution to render at; null for the converter's configured default.</summary>
    public FaxGateway.Imaging.FaxResolution? Resolution { get; init; }
}

/// <summary>A document that cannot become fax pages; <see cref="Failure"/> is the job's failure kind.</summary>
public sealed class DocumentConversionException(FailureKind failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public FailureKind Failure { get; } = failure;
}

/// <summary>Turns uploads into one normalised TIFF-F file (MMR pages on the fax grid): the converting step of a job.</summary>
public interface IFaxDocumentConverter
{
    /// <summary>Writes the pages of every source, in order, to <paramref name="outputTiffPath"/>; returns the page count.</summary>
    Task<int> ConvertAsync(IReadOnlyList<DocumentSource> sources, string outputTiffPath, DocumentConversionRequest request, CancellationToken cancellationToken);
}

/// <summary>Renders stored fax pages for download.</summary>
public interface IFaxDocumentRenderer
{
    /// <summary>Writes the TIFF-F pages at <paramref name="tiffPath"/> as a PDF.</summary>
    Task WritePdfAsync(string tiffPath, Stream output, CancellationToken cancellationToken);

    /// <summary>Writes the transmission confirmation report of <paramref name="fax"/> as a PDF.</summary>
    Task WriteReportPdfAsync(FaxRecord fax, string? tiffPath, Stream output, CancellationToken cancellationToken);
}

/// <summary>Accepted upload types, recognised by their first bytes (the extension and declared type are not trusted).</summary>
public enum UploadKind
{
    Unknown,
    Pdf,
    Tiff,
    Png,
    Jpeg,
}

public static class UploadSniffer
{
    public static UploadKind Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Slice(0, Math.Min(head.Length, 1024)).IndexOf("%PDF-"u8) >= 0)
        {
            return UploadKind.Pdf;
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return UploadKind.Tiff;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return UploadKind.Png;
        }

        return head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? UploadKind.Jpeg : UploadKind.Unknown;
    }

    public static string ContentType(UploadKind kind) => kind switch
    {
        UploadKind.Pdf => "application/pdf",
        UploadKind.Tiff => "image/tiff",
        UploadKind.Png => "image/png",
        UploadKind.Jpeg => "image/jpeg",
        _ => "application/octet-stream",
    };

    public static string Extension(UploadKind kind) => kind switch
    {
        UploadKind.Pdf => "pdf",
        UploadKind.Tiff => "tif",
        UploadKind.Png => "png",
        UploadKind.Jpeg => "jpg",
        _ => "bin",
    };
}
