using FaxGateway.Api.Callbacks;
using FaxGateway.Core.Events;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Twilio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Api.Twilio;

/// <summary>Registers the Twilio face: HTTP client, TwiML router, media fetcher, outbound service and worker.</summary>
public static class TwilioServiceCollectionExtensions
{
    /// <summary>Adds the Twilio services; the storage (ITwilioRepository and Core's ports) and JobService come from their layers.</summary>
    public static IServiceCollection AddTwilioFax(this IServiceCollection services, Action<TwilioOptions>? configure = null)
    {
        var options = services.AddOptions<TwilioOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(TwilioWebhookClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => TwilioWebhookClient.CreateHandler(sp.GetRequiredService<TimeProvider>()));
        services.AddTransient(sp => new TwilioWebhookClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(TwilioWebhookClient.HttpClientName),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TwilioWebhookSessions>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TwilioOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("FaxGateway.Api.Twilio.TwimlParser");
            return new TwimlParserOptions
            {
                MaxBytes = o.MaxTwimlBytes,
                LenientAttributes = o.LenientTwimlAttributes,
                OnWarning = warning => TwilioLog.LenientTwiml(logger, warning),
            };
        });
        services.AddTransient<TwimlCallRouter>();
        services.AddTransient(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TwilioOptions>>().Value;
            return new TwilioMediaFetcher(
                sp.GetRequiredService<TwilioWebhookClient>(),
                new TwilioMediaLimits { MaxBytes = o.MaxMediaBytes, Timing = ConnectionOverrides.Default with { TotalTime = o.MediaTotalTime } });
        });
        services.AddSingleton<TwilioWorkSignal>();
        services.AddSingleton<TwilioFaxService>();
        services.AddHostedService<TwilioOutboundWorker>();

        // The inbound seam: asked before the default routing, told when the answered call ended.
        services.AddSingleton<TwilioInboundHandler>();
        services.AddSingleton<IInboundCallHandler>(sp => sp.GetRequiredService<TwilioInboundHandler>());
        services.AddSingleton<IInboundCallObserver>(sp => sp.GetRequiredService<TwilioInboundHandler>());
        services.AddSingleton<IFaxEventSubscriber>(sp => sp.GetRequiredService<TwilioInboundHandler>());
        services.AddSingleton<TwilioInboundWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<TwilioInboundWorker>());

        // Status and action callbacks go through the shared persistent callback outbox; the action ones are sent with
        // the Twilio-style client (method, cookies, URL credentials, redirects re-signed per hop).
        services.AddCallbackDelivery();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICallbackTransport, TwilioActionTransport>());
        return services;
    }
}

/// <summary>Log messages of the Twilio registration.</summary>
internal static partial class TwilioLog
{
    [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "Lenient TwiML: {Warning}")]
    public static partial void LenientTwiml(ILogger logger, string warning);
}
