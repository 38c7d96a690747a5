using Microsoft.Extensions.Configuration;

namespace FaxGateway.Api.Twilio;

/// <summary>Binds the <c>Twilio</c> configuration section for the daemon's composition root.</summary>
public static class TwilioHosting
{
    /// <summary>
    /// Binds <see cref="TwilioOptions"/>; without a PublicBaseUrl the first listen URL is used (a wildcard host becomes
    /// localhost), so MediaUrl in callbacks is absolute even in a default setup.
    /// </summary>
    public static void Configure(TwilioOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.GetSection(TwilioOptions.SectionName).Bind(options);
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl) && configuration["Urls"] is { Length: > 0 } urls)
        {
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
            options.PublicBaseUrl = first.Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://[::]", "://localhost", StringComparison.Ordinal)
                .TrimEnd('/');
        }
    }
}
