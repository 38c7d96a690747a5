using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FaxGateway.Api.FaxPlus;

/// <summary>Which scope area an endpoint belongs to (fax, file, webhook, number, account); GET needs read, the rest edit.</summary>
public sealed record ScopeAreaAttribute(string Area);

/// <summary>The authenticated caller of a FAX.PLUS request.</summary>
public sealed record FaxPlusCaller(Account Account, TokenPrincipal Token, string? ClientId);

/// <summary>
/// Bearer authentication and scope check for the FAX.PLUS group: 401 without a valid token, 403 when
/// the token's scopes do not cover the endpoint's area for this method. <c>x-fax-clientid</c> is accepted
/// and kept, never required.
/// </summary>
public sealed class FaxPlusAuthFilter : IEndpointFilter
{
    private const string CallerKey = "faxplus.caller";

    public static FaxPlusCaller Caller(HttpContext context) =>
        context.Items[CallerKey] as FaxPlusCaller ?? throw new InvalidOperationException("FAX.PLUS route without the auth filter.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return FaxPlusErrors.Unauthorized("An 'Authorization: Bearer <token>' header is required.");
        }

        var tokens = http.RequestServices.GetRequiredService<TokenService>();
        var principal = await tokens.ValidateAsync(header[7..].Trim(), http.RequestAborted).ConfigureAwait(false);
        if (principal is null)
        {
            return FaxPlusErrors.Unauthorized("The bearer token is invalid or expired.");
        }

        var account = await http.RequestServices.GetRequiredService<IAccountRepository>().GetAsync(principal.AccountId, http.RequestAborted).ConfigureAwait(false);
        if (account is null || account.Status != "active")
        {
            return FaxPlusErrors.Unauthorized("The token's account is not active.");
        }

        var area = http.GetEndpoint()?.Metadata.GetMetadata<ScopeAreaAttribute>()?.Area ?? "fax";
        var write = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        if (!Scopes.Allows(principal.Scopes, area, write))
        {
            return FaxPlusErrors.Forbidden($"The token lacks a scope for {(write ? "changing" : "reading")} {area} (e.g. fax:all:{(write ? "edit" : "read")}).");
        }

        var clientId = http.Request.Headers["x-fax-clientid"].ToString();
        http.Items[CallerKey] = new FaxPlusCaller(account, principal, clientId.Length == 0 ? null : clientId);
        return await next(context).ConfigureAwait(false);
    }
}
