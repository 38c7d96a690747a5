using FaxGateway.Core.Ports;
using Microsoft.Extensions.Options;

namespace FaxGateway.Storage.Files;

/// <summary>
/// File contents under <c>&lt;data&gt;/files/ab/&lt;id&gt;.ext</c> (two-level fan-out keeps folders small).
/// Writes go to <c>tmp/</c> on the same file system, are flushed to disk, then renamed into place,
/// so a crash leaves either the whole file or none under its final name.
/// </summary>
public sealed class FileContentStore : IFileContentStore
{
    private readonly string _root;
    private readonly string _temp;

    public FileContentStore(IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = Path.GetFullPath(options.Value.FilesDirectory);
        _temp = Path.Combine(_root, "tmp");
        Directory.CreateDirectory(_temp);
    }

    public async Task<(string RelativePath, long Size)> WriteAsync(string fileId, string extension, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temporary = CreateTemporaryPath(extension);
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await content.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            return Commit(temporary, fileId, extension);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public string CreateTemporaryPath(string extension) => Path.Combine(_temp, $"{Guid.NewGuid():N}.{CheckExtension(extension)}");

    public (string RelativePath, long Size) Commit(string temporaryPath, string fileId, string extension)
    {
        var relative = RelativePathOf(fileId, extension);
        var final = GetFullPath(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        File.Move(temporaryPath, final, overwrite: true);
        return (relative, new FileInfo(final).Length);
    }

    public string GetFullPath(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        var full = Path.GetFullPath(Path.Combine(_root, relativePath));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativePath}' points outside the files folder.", nameof(relativePath));
        }

        return full;
    }

    public Stream OpenRead(string relativePath) =>
        new FileStream(GetFullPath(relativePath), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);

    public void Delete(string relativePath)
    {
        var full = GetFullPath(relativePath);
        if (File.Exists(full))
        {
            File.Delete(full);
        }
    }

    public int CleanTemporary()
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(_temp))
        {
            File.Delete(file);
            count++;
        }

        return count;
    }

    public IEnumerable<string> ListStored() =>
        Directory.EnumerateDirectories(_root)
            .Where(folder => !string.Equals(Path.GetFullPath(folder), _temp, StringComparison.Ordinal))
            .SelectMany(Directory.EnumerateFiles)
            .Select(file => Path.GetRelativePath(_root, file));

    private static string RelativePathOf(string fileId, string extension)
    {
        if (fileId.Length < 4 || !fileId.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"File id '{fileId}' must be at least 4 letters or digits.", nameof(fileId));
        }

        return Path.Combine(fileId[..2], $"{fileId}.{CheckExtension(extension)}");
    }

    private static string CheckExtension(string extension) =>
        extension.Length is > 0 and <= 8 && extension.All(char.IsAsciiLetterOrDigit)
            ? extension
            : throw new ArgumentException($"Bad file extension '{extension}'.", nameof(extension));
}
