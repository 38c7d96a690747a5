using FaxGateway.Core;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Metrics;

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
        var modems = new ModemLineOptions();
        configuration.GetSection(ModemLineOptions.SectionName).Bind(modems);
        services.AddSingleton(modems);
        if (settings.LineFactoryOverride is { } factory)
        {
            services.AddFaxLines(factory);
        }
        else if (settings.Simulate > 0)
        {
            var realTime = configuration.GetValue("Simulator:RealTime", defaultValue: false);
            services.AddSingleton(sp => new SimulatedLineFactory(
                settings.Simulate, realTime, modems, sp.GetRequiredService<FaxMetrics>(), sp.GetRequiredService<LineActivity>(), sp.GetRequiredService<ICallTraceStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
            services.AddFaxLines(sp => sp.GetRequiredService<SimulatedLineFactory>());
        }
        else if (modems.Lines.Count > 0)
        {
            services.AddFaxLines(sp => new ConfiguredModemLineFactory(
                modems, sp.GetRequiredService<FaxMetrics>(), sp.GetRequiredService<LineActivity>(), sp.GetRequiredService<ICallTraceStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        }
    }

    /// <summary>Why no lines run, for the start-up message; null when a line factory is configured.</summary>
    public static string? MissingLinesReason(IServiceProvider services) =>
        services.GetService<IFaxLineFactory>() is null
            ? "no modem lines are configured (section Modems:Lines, or --simulate N); the API runs and jobs wait in the queue."
            : null;
}
