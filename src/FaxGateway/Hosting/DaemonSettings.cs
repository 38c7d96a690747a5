namespace FaxGateway.Hosting;

/// <summary>What <c>faxgw run</c> was given on its command line (configuration files and environment add the rest).</summary>
internal sealed record DaemonSettings
{
    /// <summary>An extra JSON configuration file, read after appsettings.json.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The data folder; overrides Storage:DataDirectory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Listen addresses as in ASP.NET Core (<c>http://localhost:8080;http://[::1]:8080</c>).</summary>
    public string? Urls { get; init; }

    /// <summary>Number of simulated lines on a simulated PSTN (0: none).</summary>
    public int Simulate { get; init; }

    /// <summary>
    /// Replaces the <see cref="Core.Lines.IFaxLineFactory"/> the daemon would build itself. Only for
    /// in-process tests that drive the daemon with their own lines; never set by <c>faxgw run</c>.
    /// </summary>
    public Func<IServiceProvider, Core.Lines.IFaxLineFactory>? LineFactoryOverride { get; init; }

    /// <summary>
    /// The data folder when neither --data nor Storage:DataDirectory names one: systemd's
    /// $STATE_DIRECTORY when run as a service, else $XDG_DATA_HOME/faxgw or ~/.local/share/faxgw.
    /// </summary>
    public static string DefaultDataDirectory()
    {
        var state = Environment.GetEnvironmentVariable("STATE_DIRECTORY");
        if (!string.IsNullOrEmpty(state))
        {
            return state.Split(':')[0];
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "faxgw");
    }
}
