namespace FaxGateway.Storage;

/// <summary>Where the data lives (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The data folder: <c>faxgw.db</c> and the <c>files/</c> tree.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// SQLite synchronous mode. NORMAL (the default) in WAL mode survives any process crash; FULL also
    /// survives power loss at the cost of an fsync per commit.
    /// </summary>
    public string Synchronous { get; set; } = "NORMAL";

    public string DatabasePath => Path.Combine(DataDirectory, "faxgw.db");
    public string FilesDirectory => Path.Combine(DataDirectory, "files");

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return "Storage:DataDirectory (or --data) must name the data folder.";
        }

        if (Synchronous is not ("NORMAL" or "FULL"))
        {
            yield return $"Storage:Synchronous must be NORMAL or FULL, not '{Synchronous}'.";
        }
    }
}
