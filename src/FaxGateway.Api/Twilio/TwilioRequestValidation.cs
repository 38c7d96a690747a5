using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// Receiver-side X-Twilio-Signature check for ASP.NET Core endpoints (spec 7, twilio-node middleware behaviour):
/// 400 without the header, 403 when it does not match. Used by the gateway's own tests as the tenant app, and usable
/// by any app that receives the gateway's callbacks.
/// </summary>
public static class TwilioRequestValidation
{
    /// <summary>The URL the client requested, rebuilt from the request line and Host header.</summary>
    public static string RequestUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return string.Concat(request.Scheme, "://", request.Host.Value, request.PathBase.Value, request.Path.Value, request.QueryString.Value);
    }

    /// <summary>Checks the request's signature against <paramref name="authToken"/>; reads the form of a form POST.</summary>
    public static async Task<bool> IsValidAsync(HttpRequest request, string authToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signature = request.Headers[TwilioSignature.HeaderName].ToString();
        IEnumerable<KeyValuePair<string, string>>? parameters = null;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            parameters = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty))).ToArray();
        }

        return TwilioSignature.Validate(authToken, signature, RequestUrl(request), parameters);
    }

    /// <summary>Adds the check to an endpoint: 400 when the header is missing, 403 when the signature is wrong.</summary>
    public static TBuilder RequireTwilioSignature<TBuilder>(this TBuilder builder, Func<HttpContext, string> authToken)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(authToken);
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (string.IsNullOrEmpty(http.Request.Headers[TwilioSignature.HeaderName]))
            {
                return Results.Text("missing X-Twilio-Signature", statusCode: StatusCodes.Status400BadRequest);
            }

            return await IsValidAsync(http.Request, authToken(http), http.RequestAborted).ConfigureAwait(false)
                ? await next(context).ConfigureAwait(false)
                : Results.Text("X-Twilio-Signature does not match", statusCode: StatusCodes.Status403Forbidden);
        });
        return builder;
    }
}
