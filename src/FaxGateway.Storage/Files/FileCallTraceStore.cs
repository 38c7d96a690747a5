using FaxGateway.Core.Lines;

namespace FaxGateway.Storage.Files;

/// <summary>Call traces as text files under the data folder (<c>traces/SESSION.txt</c>), written atomically.</summary>
public sealed class FileCallTraceStore(string directory) : ICallTraceStore
{
    public async Task SaveAsync(string sessionId, string trace, CancellationToken cancellationToken)
    {
        var path = PathOf(sessionId);
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, trace, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    public async Task<string?> ReadAsync(string sessionId, CancellationToken cancellationToken)
    {
        var path = PathOf(sessionId);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }

    private string PathOf(string sessionId)
    {
        // Session ids are ours (hex); anything else never reaches the file system.
        if (sessionId.Length is 0 or > 64 || !sessionId.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{sessionId}' is not a session id.", nameof(sessionId));
        }

        return Path.Combine(directory, sessionId + ".txt");
    }
}
