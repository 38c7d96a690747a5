namespace FaxGateway.Core.Model;

/// <summary>What a stored file is for.</summary>
public enum StoredFileKind
{
    /// <summary>A user upload (PDF, TIFF, image) waiting to be sent; expires if unused.</summary>
    Upload,

    /// <summary>Normalised TIFF-F pages of an outgoing document, or the pages of a received fax.</summary>
    FaxPages,
}

/// <summary>A file in the data folder. Content lives at <see cref="RelativePath"/> under the files root.</summary>
public sealed record StoredFile
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required StoredFileKind Kind { get; init; }
    public required string RelativePath { get; init; }
    public required string ContentType { get; init; }
    public string OriginalName { get; init; } = "";
    public required long Size { get; init; }
    public int? PageCount { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Uploads not referenced by a send are removed after this time.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
