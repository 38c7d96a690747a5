using System.Security.Cryptography;
using System.Text;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// HTTP Basic authentication of the /v1 routes (spec 5.1): user = AccountSid, password = auth token. 401 with
/// Twilio error 20003 and a Basic challenge otherwise.
/// </summary>
public sealed class TwilioAuthFilter : IEndpointFilter
{
    private const string CallerKey = "twilio.caller";

    /// <summary>The authenticated account of the request.</summary>
    public static TwilioAccount Caller(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[CallerKey] as TwilioAccount ?? throw new InvalidOperationException("Twilio route without the auth filter.");
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var account = await AuthenticateAsync(http).ConfigureAwait(false);
        if (account is null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
            return TwilioWire.Error(StatusCodes.Status401Unauthorized, TwilioErrorCodes.AuthenticationFailed, "Authenticate");
        }

        http.Items[CallerKey] = account;
        return await next(context).ConfigureAwait(false);
    }

    private static async Task<TwilioAccount?> AuthenticateAsync(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !TwilioFax.IsSid(decoded[..colon], "AC"))
        {
            return null;
        }

        var services = http.RequestServices;
        var account = await services.GetRequiredService<ITwilioRepository>().GetAccountBySidAsync(decoded[..colon], http.RequestAborted).ConfigureAwait(false);
        if (account is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(account.AuthToken), Encoding.UTF8.GetBytes(decoded[(colon + 1)..])))
        {
            return null;
        }

        var owner = await services.GetRequiredService<IAccountRepository>().GetAsync(account.AccountId, http.RequestAborted).ConfigureAwait(false);
        return owner is { Status: "active" } ? account : null;
    }
}
