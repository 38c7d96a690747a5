using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Http;

namespace FaxGateway.Api.Twilio;

/// <summary>The Fax resource on the wire (spec 5.3): snake_case, nulls written.</summary>
public sealed record TwilioFaxWire(
    [property: JsonPropertyName("sid")] string Sid,
    [property: JsonPropertyName("account_sid")] string AccountSid,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("quality")] string? Quality,
    [property: JsonPropertyName("media_sid")] string? MediaSid,
    [property: JsonPropertyName("media_url")] string? MediaUrl,
    [property: JsonPropertyName("num_pages")] int? NumPages,
    [property: JsonPropertyName("duration")] int? Duration,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("direction")] string Direction,
    [property: JsonPropertyName("api_version")] string ApiVersion,
    [property: JsonPropertyName("price")] string? Price,
    [property: JsonPropertyName("price_unit")] string? PriceUnit,
    [property: JsonPropertyName("date_created")] string DateCreated,
    [property: JsonPropertyName("date_updated")] string DateUpdated,
    [property: JsonPropertyName("links")] IReadOnlyDictionary<string, string>? Links,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("error_code")] int? ErrorCode,
    [property: JsonPropertyName("error_message")] string? ErrorMessage);

/// <summary>The FaxMedia resource.</summary>
public sealed record TwilioMediaWire(
    [property: JsonPropertyName("sid")] string Sid,
    [property: JsonPropertyName("account_sid")] string AccountSid,
    [property: JsonPropertyName("fax_sid")] string FaxSid,
    [property: JsonPropertyName("content_type")] string ContentType,
    [property: JsonPropertyName("date_created")] string DateCreated,
    [property: JsonPropertyName("date_updated")] string DateUpdated,
    [property: JsonPropertyName("url")] string Url);

/// <summary>List envelope <c>meta</c>.</summary>
public sealed record TwilioPageMeta(
    [property: JsonPropertyName("first_page_url")] string FirstPageUrl,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("next_page_url")] string? NextPageUrl,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("page_size")] int PageSize,
    [property: JsonPropertyName("previous_page_url")] string? PreviousPageUrl,
    [property: JsonPropertyName("url")] string Url);

/// <summary><c>{"faxes": [...], "meta": {...}}</c>.</summary>
public sealed record TwilioFaxList(
    [property: JsonPropertyName("faxes")] IReadOnlyList<TwilioFaxWire> Faxes,
    [property: JsonPropertyName("meta")] TwilioPageMeta Meta);

/// <summary><c>{"media": [...], "meta": {...}}</c>.</summary>
public sealed record TwilioMediaList(
    [property: JsonPropertyName("media")] IReadOnlyList<TwilioMediaWire> Media,
    [property: JsonPropertyName("meta")] TwilioPageMeta Meta);

/// <summary>Twilio's error body (spec 5.1): code, message, more_info, status.</summary>
public sealed record TwilioErrorWire(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("more_info")] string MoreInfo,
    [property: JsonPropertyName("status")] int Status);

/// <summary>Serialisation and the error results of the Twilio routes.</summary>
public static class TwilioWire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // "+14155551234" and "&Page=1" as Twilio writes them, not \u002B / \u0026 (the answers are JSON, never HTML).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>ISO 8601 UTC with seconds, as Twilio writes it: <c>2015-07-30T20:00:00Z</c>.</summary>
    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static IResult Error(int httpStatus, int code, string message) =>
        Results.Json(new TwilioErrorWire(code, message, "https://www.twilio.com/docs/errors/" + code.ToString(CultureInfo.InvariantCulture), httpStatus), Json, statusCode: httpStatus);

    public static IResult NotFound(string what) => Error(StatusCodes.Status404NotFound, TwilioErrorCodes.NotFound, $"The requested resource {what} was not found");

    public static IResult BadRequest(int code, string message) => Error(StatusCodes.Status400BadRequest, code, message);

    public static IResult Conflict(string message) => Error(StatusCodes.Status409Conflict, TwilioErrorCodes.Conflict, message);

    /// <summary>The resource JSON of <paramref name="fax"/>; <paramref name="baseUrl"/> has no trailing slash.</summary>
    public static TwilioFaxWire Fax(TwilioFax fax, string accountSid, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(fax);
        var url = $"{baseUrl}/v1/Faxes/{fax.Sid}";
        var mediaUrl = fax.MediaSid is not null ? $"{url}/Media/{fax.MediaSid}"
            : fax.Direction == TwilioFaxDirection.Outbound && !TwilioFaxStatus.IsFinal(fax.Status) ? fax.OriginalMediaUrl
            : null;
        return new TwilioFaxWire(
            fax.Sid,
            accountSid,
            fax.From,
            fax.To,
            fax.Quality,
            fax.MediaSid,
            mediaUrl,
            fax.NumPages,
            fax.DurationSeconds,
            fax.Status,
            fax.Direction == TwilioFaxDirection.Inbound ? "inbound" : "outbound",
            "v1",
            null,
            null,
            Date(fax.DateCreated),
            Date(fax.DateUpdated),
            new Dictionary<string, string> { ["media"] = url + "/Media" },
            url,
            fax.ErrorCode,
            fax.ErrorMessage);
    }

    public static TwilioMediaWire Media(TwilioFax fax, string accountSid, string baseUrl) => new(
        fax.MediaSid!,
        accountSid,
        fax.Sid,
        fax.MediaContentType ?? "application/pdf",
        Date(fax.DateCreated),
        Date(fax.DateUpdated),
        $"{baseUrl}/v1/Faxes/{fax.Sid}/Media/{fax.MediaSid}");
}
