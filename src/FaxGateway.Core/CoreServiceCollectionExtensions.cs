using FaxGateway.Core.Events;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaxGateway.Core;

/// <summary>Registers the queue, job lifecycle, inbound routing and tokens. Storage and the line factory come from elsewhere.</summary>
public static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddFaxGatewayCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<QueueOptions>();
        services.AddOptions<LineOptions>();
        services.TryAddSingleton<QueueSignal>();
        services.TryAddSingleton<FaxEventPublisher>();
        services.TryAddSingleton<JobService>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<InboundRouter>();
        services.TryAddSingleton<InboundService>();

        // Hosted services start in registration order: storage and recovery before any worker.
        services.AddHostedService<QueueStartupService>();
        services.AddHostedService<MaintenanceService>();
        return services;
    }

    /// <summary>The converting step and the PDF downloads over the Documents layer.</summary>
    public static IServiceCollection AddDocumentsLayer(this IServiceCollection services)
    {
        services.AddOptions<Documents.DocumentOptions>();
        services.TryAddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Documents.DocumentOptions>>().Value);
        services.TryAddSingleton<Documents.IFaxDocumentRenderer, Documents.DocumentsFaxRenderer>();
        return services.AddDocumentConversion<Documents.DocumentsFaxConverter>();
    }

    /// <summary>Runs the converting step with <typeparamref name="TConverter"/>.</summary>
    public static IServiceCollection AddDocumentConversion<TConverter>(this IServiceCollection services)
        where TConverter : class, Documents.IFaxDocumentConverter
    {
        services.TryAddSingleton<Documents.IFaxDocumentConverter, TConverter>();
        services.AddHostedService<ConversionService>();
        return services;
    }

    /// <summary>Runs one line worker per line of <paramref name="factory"/>: the one place lines are plugged in.</summary>
    public static IServiceCollection AddFaxLines(this IServiceCollection services, Func<IServiceProvider, IFaxLineFactory> factory)
    {
        services.AddSingleton(factory);
        services.AddSingleton<LinePoolService>();
        services.AddHostedService(sp => sp.GetRequiredService<LinePoolService>());
        return services;
    }
}
