using FaxGateway.Core.Twilio;
using Microsoft.Extensions.DependencyInjection;

namespace FaxGateway.Storage.Twilio;

/// <summary>Registers the Twilio tables' repository on the SQLite engine added by AddSqliteStorage.</summary>
public static class TwilioStorageServiceCollectionExtensions
{
    public static IServiceCollection AddTwilioSqliteStorage(this IServiceCollection services)
    {
        services.AddSingleton<ITwilioRepository, SqliteTwilioRepository>();
        return services;
    }
}
