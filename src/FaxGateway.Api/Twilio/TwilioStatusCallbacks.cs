using System.Globalization;
using System.Text;
using FaxGateway.Core;
using FaxGateway.Core.Model;
using FaxGateway.Core.Twilio;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// Builds signed StatusCallback deliveries (spec 5.5): POST, form-encoded, X-Twilio-Signature over the URL exactly as
/// it goes on the wire. They go into the shared persistent callback outbox in the same transaction as the status change.
/// </summary>
public static class TwilioStatusCallbacks
{
    /// <summary>Callback source name (logs, metrics).</summary>
    public const string Source = "twilio.status";

    /// <summary>The form parameters of a status callback for the fax's current state.</summary>
    public static List<KeyValuePair<string, string>> Parameters(TwilioFax fax, string accountSid, string? mediaUrl)
    {
        ArgumentNullException.ThrowIfNull(fax);
        var parameters = TwimlCallRouter.BaseParameters(fax.Sid, accountSid, fax.From, fax.To);
        parameters.Add(new("FaxStatus", fax.Status));
        if (fax.Direction == TwilioFaxDirection.Outbound && fax.OriginalMediaUrl is not null)
        {
            parameters.Add(new("OriginalMediaUrl", fax.OriginalMediaUrl));
        }

        if (fax.NumPages is { } pages)
        {
            parameters.Add(new("NumPages", pages.ToString(CultureInfo.InvariantCulture)));
        }

        if (fax.MediaSid is not null && mediaUrl is not null)
        {
            parameters.Add(new("MediaSid", fax.MediaSid));
            parameters.Add(new("MediaUrl", mediaUrl));
        }

        if (!string.IsNullOrEmpty(fax.RemoteStationId))
        {
            parameters.Add(new("RemoteStationId", fax.RemoteStationId));
        }

        if (fax.ErrorCode is { } code)
        {
            parameters.Add(new("ErrorCode", code.ToString(CultureInfo.InvariantCulture)));
            parameters.Add(new("ErrorMessage", fax.ErrorMessage ?? string.Empty));
        }

        return parameters;
    }

    /// <summary>The delivery for the fax's current status, or null when it has no StatusCallback.</summary>
    public static CallbackDelivery? Create(TwilioFax fax, TwilioAccount account, string? publicBaseUrl, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(fax);
        ArgumentNullException.ThrowIfNull(account);
        if (fax.StatusCallback is null || !Uri.TryCreate(fax.StatusCallback, UriKind.Absolute, out var target))
        {
            return null;
        }

        var mediaUrl = publicBaseUrl is null || fax.MediaSid is null ? null : $"{publicBaseUrl.TrimEnd('/')}/v1/Faxes/{fax.Sid}/Media/{fax.MediaSid}";
        var parameters = Parameters(fax, account.AccountSid, mediaUrl);
        var wire = new Uri(TwilioWebhookClient.WireUrl(target));
        return new CallbackDelivery
        {
            Id = FaxIds.NewLong(),
            AccountId = fax.AccountId,
            Source = Source,
            Url = wire,
            ContentType = "application/x-www-form-urlencoded; charset=utf-8",
            Body = FormBody(parameters),
            Headers = new Dictionary<string, string>
            {
                [TwilioSignature.HeaderName] = TwilioSignature.Compute(account.AuthToken, TwilioWebhookClient.WireUrl(wire), parameters),
            },
            NextAttemptAt = at,
            CreatedAt = at,
        };
    }

    /// <summary>application/x-www-form-urlencoded, UTF-8, space as '+', as browsers and FormUrlEncodedContent encode it.</summary>
    public static byte[] FormBody(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var body = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (body.Length > 0)
            {
                body.Append('&');
            }

            body.Append(Encode(name)).Append('=').Append(Encode(value));
        }

        return Encoding.UTF8.GetBytes(body.ToString());
    }

    private static string Encode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);
}
