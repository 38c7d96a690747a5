using System.Text.Json;
using System.Text.Json.Serialization;
using FaxGateway.Core;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Lines;
using Microsoft.Extensions.Options;

namespace FaxGateway.Storage.Files;

/// <summary>
/// The receive spool on disk: <c>&lt;data&gt;/spool/receive/&lt;session&gt;/</c> with <c>call.json</c> (written before the
/// line answers), the page files (<see cref="ReceivedPageFiles"/>, each before its MCF) and <c>end.json</c> (written when
/// the call has ended, before the inbox commit). Every file is written whole (temporary name, flush, rename).
/// </summary>
public sealed class FileReceiveSpool : IReceiveSpool
{
    private const string CallManifest = "call.json";
    private const string EndManifest = "end.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    private readonly string _root;

    public FileReceiveSpool(IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "spool", "receive");
        Directory.CreateDirectory(_root);
    }

    public string Begin(SpooledCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var folder = FolderOf(call.SessionId);
        Directory.CreateDirectory(folder);
        DurableFile.Write(Path.Combine(folder, CallManifest), stream => JsonSerializer.Serialize(stream, call, Json));
        return folder;
    }

    public void End(string sessionId, FaxReceiveResult end) =>
        DurableFile.Write(Path.Combine(FolderOf(sessionId), EndManifest), stream => JsonSerializer.Serialize(stream, end, Json));

    public IReadOnlyList<string> PageFiles(string sessionId) => ReceivedPageFiles.List(FolderOf(sessionId));

    public IReadOnlyList<SpooledCallLeftover> ListLeftovers(Action<string, Exception> onUnreadable)
    {
        ArgumentNullException.ThrowIfNull(onUnreadable);
        var leftovers = new List<SpooledCallLeftover>();
        foreach (var folder in Directory.EnumerateDirectories(_root).Order(StringComparer.Ordinal))
        {
            try
            {
                var manifest = Path.Combine(folder, CallManifest);
                if (!File.Exists(manifest))
                {
                    // The daemon stopped while creating the folder, before the line answered: nothing was received.
                    Directory.Delete(folder, recursive: true);
                    continue;
                }

                var call = JsonSerializer.Deserialize<SpooledCall>(File.ReadAllBytes(manifest), Json)
                    ?? throw new InvalidDataException($"{manifest} is empty.");
                var endPath = Path.Combine(folder, EndManifest);
                var end = File.Exists(endPath) ? JsonSerializer.Deserialize<FaxReceiveResult>(File.ReadAllBytes(endPath), Json) : null;
                var pages = ReceivedPageFiles.List(folder);
                DateTimeOffset? lastPageAt = pages.Count > 0 ? new DateTimeOffset(File.GetLastWriteTimeUtc(pages[^1]), TimeSpan.Zero) : null;
                leftovers.Add(new SpooledCallLeftover(call, end, pages, lastPageAt));
            }
            catch (Exception e) when (e is JsonException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                onUnreadable(folder, e);
            }
        }

        return leftovers;
    }

    public void Remove(string sessionId)
    {
        var folder = FolderOf(sessionId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string FolderOf(string sessionId)
    {
        if (string.IsNullOrEmpty(sessionId) || !sessionId.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"Session id '{sessionId}' must be letters or digits.", nameof(sessionId));
        }

        return Path.Combine(_root, sessionId);
    }
}
