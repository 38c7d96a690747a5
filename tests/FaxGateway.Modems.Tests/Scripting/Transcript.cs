using System.Globalization;
using System.Text;

namespace FaxGateway.Modems.Tests.Scripting;

/// <summary>
/// A captured real AT session from hardware/transcripts: "&gt; " lines are what the DTE wrote, "&lt; " lines what the
/// modem answered, with \r \n \\ \xNN escapes. Replayed as <see cref="ScriptedModemStream"/> rows.
/// </summary>
internal sealed record Transcript(IReadOnlyList<(byte[] Dte, byte[] Modem)> Exchanges)
{
    public static string Directory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.Directory.Exists(Path.Combine(dir.FullName, "hardware", "transcripts")))
            {
                dir = dir.Parent;
            }

            return dir is null ? throw new DirectoryNotFoundException("hardware/transcripts not found above the test binaries") : Path.Combine(dir.FullName, "hardware", "transcripts");
        }
    }

    public static Transcript Load(string name)
    {
        var exchanges = new List<(byte[], byte[])>();
        byte[]? pending = null;
        foreach (var line in File.ReadAllLines(Path.Combine(Directory, name)))
        {
            if (line.StartsWith("> ", StringComparison.Ordinal))
            {
                if (pending is not null)
                {
                    exchanges.Add((pending, []));
                }

                pending = Unescape(line[2..]);
            }
            else if (line.StartsWith("< ", StringComparison.Ordinal))
            {
                exchanges.Add((pending ?? [], Unescape(line[2..])));
                pending = null;
            }
        }

        if (pending is not null)
        {
            exchanges.Add((pending, []));
        }

        return new Transcript(exchanges);
    }

    public ScriptedModemStream ToScript()
    {
        var script = new ScriptedModemStream();
        foreach (var (dte, modem) in Exchanges)
        {
            script.Exchange(dte, modem);
        }

        return script;
    }

    /// <summary>The command text of each exchange (without the CR).</summary>
    public IEnumerable<string> Commands => Exchanges.Select(e => Encoding.Latin1.GetString(e.Dte).TrimEnd('\r'));

    private static byte[] Unescape(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                bytes.Add((byte)text[i]);
                continue;
            }

            var c = text[++i];
            switch (c)
            {
                case 'r':
                    bytes.Add(13);
                    break;
                case 'n':
                    bytes.Add(10);
                    break;
                case 'x':
                    bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default:
                    bytes.Add((byte)c);
                    break;
            }
        }

        return [.. bytes];
    }
}
