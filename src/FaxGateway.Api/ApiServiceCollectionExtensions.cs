using FaxGateway.Api.Callbacks;
using FaxGateway.Core.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaxGateway.Api;

/// <summary>Services of the API layer: FAX.PLUS webhooks and the callback delivery worker. Twilio adds its own beside.</summary>
public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddFaxPlusApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>();
        services.AddSingleton<IFaxEventSubscriber, FaxPlusWebhookSubscriber>();
        services.AddCallbackDelivery();
        return services;
    }

    /// <summary>The persistent callback outbox sender; idempotent so each face may call it.</summary>
    public static IServiceCollection AddCallbackDelivery(this IServiceCollection services)
    {
        services.TryAddSingleton<CallbackSignal>();
        services.AddHttpClient(CallbackDeliveryService.HttpClientName, c => c.DefaultRequestHeaders.UserAgent.ParseAdd("faxgw-callbacks/1.0"));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, CallbackDeliveryService>());
        return services;
    }
}
