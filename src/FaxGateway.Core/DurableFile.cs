namespace FaxGateway.Core;

/// <summary>
/// A file written whole or not at all, and on disk before the call returns: written to <c>name.part</c>, flushed to
/// the device, then renamed over <c>name</c>. What must survive a kill or a power cut (a page the sender was told we
/// have, a spool manifest) is written this way.
/// </summary>
public static class DurableFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var part = path + ".part";

        // Read/write: LibTiff reads back its directory chain while writing.
        using (var stream = new FileStream(part, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(part, path, overwrite: true);
    }
}
