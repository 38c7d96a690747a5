using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;

namespace FaxGateway.Core.Inbound;

/// <summary>
/// What a receiving call is known to be before the line answers: who it is for and the ids its inbox record and
/// file will get. Written to the spool first, so that pages confirmed to the sender survive a daemon that stops
/// mid-call or before the inbox commit, and the recovered record is the same one (same ids) whichever of the two
/// paths commits it.
/// </summary>
public sealed record SpooledCall
{
    public required string SessionId { get; init; }

    /// <summary>Id of the inbox record this call becomes (allocated up front: recovery never adds it twice).</summary>
    public required string FaxId { get; init; }

    /// <summary>Id of the stored file of its pages.</summary>
    public required string FileId { get; init; }
    public required string AccountId { get; init; }
    public required string LocalNumber { get; init; }
    public JobOrigin Origin { get; init; }
    public string? Tag { get; init; }
    public required string LineId { get; init; }
    public string CallerNumber { get; init; } = "";
    public required DateTimeOffset AnsweredAt { get; init; }
}

/// <summary>A call a stopped daemon left in the spool: its manifest, its end (when the call had ended) and its pages.</summary>
public sealed record SpooledCallLeftover(SpooledCall Call, FaxReceiveResult? End, IReadOnlyList<string> PageFiles, DateTimeOffset? LastPageAt);

/// <summary>
/// The receive spool (<c>&lt;data&gt;/spool/receive/&lt;session&gt;/</c>): one folder per answered call with its manifest
/// and each page the line is about to confirm (see <see cref="ReceivedPageFiles"/>). Removed once the inbox record is
/// committed; whatever is left at start is recovered into the inbox.
/// </summary>
public interface IReceiveSpool
{
    /// <summary>Creates the call's folder and writes its manifest durably; returns the folder the line writes pages to.</summary>
    string Begin(SpooledCall call);

    /// <summary>Records how the call ended, as the line reported it (durably), before the inbox commit.</summary>
    void End(string sessionId, FaxReceiveResult end);

    /// <summary>Page files of <paramref name="sessionId"/>, in page order.</summary>
    IReadOnlyList<string> PageFiles(string sessionId);

    /// <summary>Calls left behind by a daemon that stopped before committing them. Unreadable folders are reported, not thrown.</summary>
    IReadOnlyList<SpooledCallLeftover> ListLeftovers(Action<string, Exception> onUnreadable);

    /// <summary>Removes the call's folder (after its inbox record is committed, or when it holds nothing).</summary>
    void Remove(string sessionId);
}

/// <summary>
/// The page files of a receive spool folder: <c>page-0001.tif</c>, ... each a one-page TIFF-F, written to a
/// <c>.part</c> file, flushed to disk and renamed, so a page file either is whole or does not exist. The line writes
/// each accepted page here before the confirmation (MCF) goes to the sender: a page the sender was told we have,
/// we have.
/// </summary>
public static class ReceivedPageFiles
{
    private const string Prefix = "page-";
    private const string Extension = ".tif";

    /// <summary>Writes page <paramref name="pageNumber"/> (1-based) with <paramref name="writeTiff"/> and makes it durable; returns its path.</summary>
    public static string Write(string directory, int pageNumber, Action<Stream> writeTiff)
    {
        ArgumentNullException.ThrowIfNull(writeTiff);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageNumber, 1);
        var final = Path.Combine(directory, $"{Prefix}{pageNumber:D4}{Extension}");
        DurableFile.Write(final, writeTiff);
        return final;
    }

    /// <summary>The whole page files in <paramref name="directory"/>, in page order (half-written <c>.part</c> files are not pages).</summary>
    public static IReadOnlyList<string> List(string directory) =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, Prefix + "*" + Extension).Order(StringComparer.Ordinal)]
            : [];
}
