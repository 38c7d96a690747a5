using System.Diagnostics.CodeAnalysis;

namespace FaxGateway.Documents;

/// <summary>What was wrong with a document, so the API can map it to an error code without parsing messages.</summary>
public enum DocumentProblem
{
    /// <summary>The content is not a type we accept (the message names what it looks like).</summary>
    UnsupportedType,

    /// <summary>The PDF needs a password to open.</summary>
    Encrypted,

    /// <summary>The file ends early (a PDF without its trailer, an image cut short).</summary>
    Truncated,

    /// <summary>The file claims a type but its structure is broken.</summary>
    Corrupt,

    /// <summary>More pages than the configured limit; nothing was rendered.</summary>
    TooManyPages,

    /// <summary>The rasteriser did not finish within the time limit and was killed.</summary>
    Timeout,

    /// <summary>Ghostscript is missing or failed for a reason we cannot classify further.</summary>
    RasteriserFailed,

    /// <summary>The document has no pages, or a page has no pixels.</summary>
    Empty,

    /// <summary>An image or page is larger than the configured pixel limit.</summary>
    TooLarge,
}

/// <summary>
/// The one domain exception of the Documents layer: a document could not be turned into fax pages
/// (or pages into a PDF). <see cref="Problem"/> says which kind of failure; the message names it for a person.
/// </summary>
public sealed class DocumentException : Exception
{
    public DocumentException(DocumentProblem problem, string message)
        : base(message)
    {
        Problem = problem;
    }

    public DocumentException(DocumentProblem problem, string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = problem;
    }

    public DocumentProblem Problem { get; }

    [DoesNotReturn]
    internal static void Throw(DocumentProblem problem, string message) => throw new DocumentException(problem, message);
}
