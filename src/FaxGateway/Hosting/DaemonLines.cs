using FaxGateway.Core;

namespace FaxGateway.Hosting;

/// <summary>
/// The one place where the daemon's telephone lines and document conversion are plugged in. The
/// real line factory (configured modems: Class 1 driver + T.30 engine or Class 2/2.0; or, with
/// <c>--simulate N</c>, simulated modems on a simulated PSTN) comes from the calls layer; tests may
/// pass their own through <see cref="DaemonSettings.LineFactoryOverride"/>.
/// </summary>
internal static class DaemonLines
{
    public static void Configure(IServiceCollection services, IConfiguration configuration, DaemonSettings settings)
    {
        if (settings.LineFactoryOverride is { } factory)
        {
            services.AddFaxLines(factory);
        }
    }

    /// <summary>Why no lines run, for the start-up message; null when lines are configured.</summary>
    public static string? MissingLinesReason(DaemonSettings settings) =>
        settings.LineFactoryOverride is not null ? null
            : settings.Simulate > 0
                ? $"--simulate {settings.Simulate}: this build has no simulated-line engine yet; the API runs without lines and jobs wait in the queue."
                : "no lines are configured; the API runs and jobs wait in the queue.";
}
