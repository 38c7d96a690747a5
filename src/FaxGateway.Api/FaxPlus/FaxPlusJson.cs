using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace FaxGateway.Api.FaxPlus;

/// <summary>JSON and time formats of the FAX.PLUS face.</summary>
public static class FaxPlusJson
{
    /// <summary>snake_case keys, nulls omitted, required and non-nullable members enforced on read.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        PropertyNameCaseInsensitive = false,
        AllowTrailingCommas = false,
        MaxDepth = 16,
    };

    private const string UtcFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>UTC <c>YYYY-MM-DD HH:mm:ss</c>.</summary>
    public static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString(UtcFormat, CultureInfo.InvariantCulture);

    /// <summary><c>YYYY-MM-DD HH:mm:ss +HHMM</c> (send_time, submit_time).</summary>
    public static string WithOffset(DateTimeOffset value) =>
        value.UtcDateTime.ToString(UtcFormat, CultureInfo.InvariantCulture) + " +0000";

    /// <summary>Parses <c>YYYY-MM-DD HH:mm:ss +HHMM</c> (the offset may also be absent: UTC).</summary>
    public static bool TryParseWithOffset(string text, out DateTimeOffset value)
    {
        value = default;
        text = text.Trim();
        if (text.Length == 25 && (text[20] == '+' || text[20] == '-') && text[19] == ' ' &&
            int.TryParse(text.AsSpan(21, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours) &&
            int.TryParse(text.AsSpan(23, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) &&
            hours <= 14 && minutes < 60 &&
            DateTime.TryParseExact(text[..19], UtcFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            var offset = new TimeSpan(hours, minutes, 0) * (text[20] == '-' ? -1 : 1);
            value = new DateTimeOffset(local, offset);
            return true;
        }

        return TryParseUtc(text, out value);
    }

    /// <summary>Parses UTC <c>YYYY-MM-DD HH:mm:ss</c>.</summary>
    public static bool TryParseUtc(string text, out DateTimeOffset value)
    {
        var ok = DateTime.TryParseExact(text.Trim(), UtcFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var utc);
        value = ok ? new DateTimeOffset(utc, TimeSpan.Zero) : default;
        return ok;
    }

    /// <summary>Reads a JSON body as <typeparamref name="T"/>, or explains in one line why it cannot.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request) where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentType is { } contentType && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, FaxPlusErrors.BadRequest("invalid_request", $"Expected an application/json body, got '{contentType}'."));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return value is null
                ? (null, FaxPlusErrors.BadRequest("invalid_request", "The request body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, FaxPlusErrors.BadRequest("invalid_request", "Invalid JSON body: " + e.Message));
        }
    }
}

/// <summary>The FAX.PLUS error shape <c>{error, description}</c> with its status codes.</summary>
public static class FaxPlusErrors
{
    public static IResult Of(int status, string error, string description) =>
        Results.Json(new ApiError(error, description), FaxPlusJson.Options, statusCode: status);

    public static IResult BadRequest(string error, string description) => Of(StatusCodes.Status400BadRequest, error, description);

    public static IResult Unauthorized(string description) => Of(StatusCodes.Status401Unauthorized, "unauthorized", description);

    public static IResult Forbidden(string description) => Of(StatusCodes.Status403Forbidden, "forbidden", description);

    public static IResult NotFound(string description) => Of(StatusCodes.Status404NotFound, "not_found", description);

    public static IResult Conflict(string description) => Of(StatusCodes.Status409Conflict, "conflict", description);
}
