using System.Text;
using FaxGateway.Api.Callbacks;
using FaxGateway.Core;
using FaxGateway.Core.Model;
using FaxGateway.Core.Twilio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// Builds the <c>&lt;Receive action&gt;</c> callback of a finished inbound fax (spec section 4) as a delivery of the shared
/// persistent callback outbox: stored in the same transaction as the fax's final status, so it survives a restart and
/// is retried like the status callbacks. Its form is the spec's: the action's method (POST form, or GET with the
/// parameters in the query), the section 4 parameters, X-Twilio-Signature over the URL as sent.
/// </summary>
public static class TwilioActionCallbacks
{
    /// <summary>Callback source name (logs, metrics; picks <see cref="TwilioActionTransport"/>).</summary>
    public const string Source = "twilio.action";

    /// <summary>The MediaUrl of the fax's stored media, or null.</summary>
    public static string? MediaUrl(TwilioFax fax, string? publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(fax);
        return fax.MediaSid is null || publicBaseUrl is null ? null : $"{publicBaseUrl.TrimEnd('/')}/v1/Faxes/{fax.Sid}/Media/{fax.MediaSid}";
    }

    /// <summary>What the callback reports for the fax's (final) state.</summary>
    public static TwimlReceiveOutcome Outcome(TwilioFax fax, string? publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(fax);
        return new TwimlReceiveOutcome(
            fax.Status,
            fax.Status == TwilioFaxStatus.Received ? fax.NumPages : null,
            fax.RemoteStationId,
            MediaUrl(fax, publicBaseUrl),
            fax.ErrorCode,
            fax.ErrorMessage);
    }

    /// <summary>The delivery for the fax's final state, or null when the TwiML asked for no action (or gave an unusable one).</summary>
    public static CallbackDelivery? Create(TwilioFax fax, TwilioAccount account, string? publicBaseUrl, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(fax);
        ArgumentNullException.ThrowIfNull(account);
        if (fax.ActionUrl is null || !Uri.TryCreate(fax.ActionUrl, UriKind.Absolute, out var action))
        {
            return null;
        }

        var parameters = TwimlCallRouter.ActionParameters(fax.Sid, account.AccountSid, fax.From, fax.To, Outcome(fax, publicBaseUrl));
        Uri firstHop;
        try
        {
            (firstHop, _) = TwilioWebhookClient.Prepare(new TwilioWebhookRequest { Url = fax.ActionUrl, Method = fax.ActionMethod, Parameters = parameters, AuthToken = account.AuthToken });
        }
        catch (TwilioWebhookException)
        {
            return null;
        }

        var post = fax.ActionMethod == TwimlMethod.Post;
        return new CallbackDelivery
        {
            Id = FaxIds.NewLong(),
            AccountId = fax.AccountId,
            Source = Source,

            // As the tenant wrote it: userinfo (HTTP auth) and the #fragment (connection overrides) are for the sender.
            Url = action,
            Method = post ? CallbackMethods.Post : CallbackMethods.Get,
            ContentType = "application/x-www-form-urlencoded; charset=utf-8",
            Body = TwilioStatusCallbacks.FormBody(parameters),
            Headers = new Dictionary<string, string>
            {
                // The first hop's signature (a redirect is re-signed for its own URL when it is followed).
                [TwilioSignature.HeaderName] = TwilioSignature.Compute(account.AuthToken, TwilioWebhookClient.WireUrl(firstHop), post ? parameters : null),
            },
            NextAttemptAt = at,
            CreatedAt = at,
        };
    }

    /// <summary>The parameters of a form body written by <see cref="TwilioStatusCallbacks.FormBody"/>, in order.</summary>
    public static List<KeyValuePair<string, string>> ParseForm(ReadOnlySpan<byte> body)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var pair in Encoding.UTF8.GetString(body).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            parameters.Add(new(Decode(name), Decode(value)));
        }

        return parameters;
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}

/// <summary>
/// Sends the outbox's <c>&lt;Receive action&gt;</c> deliveries with the Twilio-style HTTP client (spec section 6): the
/// method, redirects re-signed per hop, the cookie jar the FaxUrl request used for this number pair, credentials from
/// the URL after a 401 challenge, the URL's connection overrides. After a 2xx, media kept only for the callback
/// (<c>storeMedia="false"</c>) is deleted.
/// </summary>
public sealed partial class TwilioActionTransport(ITwilioRepository twilio, IServiceProvider services, ILogger<TwilioActionTransport> logger) : ICallbackTransport
{
    public bool Handles(CallbackDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return delivery.Source == TwilioActionCallbacks.Source;
    }

    public async Task<string?> SendAsync(CallbackDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var parameters = TwilioActionCallbacks.ParseForm(delivery.Body);
        string Value(string name) => parameters.FirstOrDefault(p => p.Key == name).Value ?? "";

        var account = await twilio.GetAccountAsync(delivery.AccountId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return "the fax's account has no Twilio credentials any more";
        }

        var method = delivery.Method == CallbackMethods.Get ? TwimlMethod.Get : TwimlMethod.Post;
        try
        {
            await services.GetRequiredService<TwimlCallRouter>()
                .SendCallbackAsync(delivery.Url.OriginalString, method, parameters, account.Credentials, Value("From"), Value("To"), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TwilioWebhookException ex)
        {
            LogActionFailed(logger, Value("FaxSid"), ex.Message);
            return ex.Message;
        }

        await ReleaseMediaAsync(account, Value("FaxSid")).ConfigureAwait(false);
        return null;
    }

    /// <summary>storeMedia=false (spec 4): the media lived only for the action callback, which has now been answered.</summary>
    private async Task ReleaseMediaAsync(TwilioAccount account, string faxSid)
    {
        try
        {
            var fax = await twilio.GetFaxBySidAsync(faxSid, CancellationToken.None).ConfigureAwait(false);
            if (fax is { StoreMedia: false, MediaSid: { } mediaSid } && TwilioFaxStatus.IsFinal(fax.Status))
            {
                await services.GetRequiredService<TwilioFaxService>().DeleteMediaAsync(account, fax.Sid, mediaSid, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Data.Common.DbException)
        {
            // The callback was delivered; a media file that could not go now is only kept longer.
            LogMediaNotDeleted(logger, faxSid, ex);
        }
    }

    [LoggerMessage(EventId = 7305, Level = LogLevel.Warning, Message = "Fax {FaxSid}: <Receive action> callback failed (the outbox retries it): {ErrorMessage}")]
    private static partial void LogActionFailed(ILogger logger, string faxSid, string errorMessage);

    [LoggerMessage(EventId = 7304, Level = LogLevel.Warning, Message = "Fax {FaxSid}: media with storeMedia=false not deleted after its action callback")]
    private static partial void LogMediaNotDeleted(ILogger logger, string faxSid, Exception exception);
}
