using System.Globalization;
using System.Text;
using FaxGateway.Core;
using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// The Twilio Fax v1 REST resource (spec twiml-fax.md section 5) under <c>/v1</c>: HTTP Basic with AccountSid and
/// auth token, form-encoded requests, JSON answers with Twilio's field names, statuses and error shape.
/// </summary>
public static class TwilioRoutes
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapTwilioRoutes(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var v1 = endpoints.MapGroup("/v1").AddEndpointFilter<TwilioAuthFilter>().WithTags("Twilio Fax v1").DisableAntiforgery();
        v1.MapPost("/Faxes", CreateFax).WithName("CreateFax");
        v1.MapGet("/Faxes", ListFaxes).WithName("ListFax");
        v1.MapGet("/Faxes/{Sid}", FetchFax).WithName("FetchFax");
        v1.MapPost("/Faxes/{Sid}", UpdateFax).WithName("UpdateFax");
        v1.MapDelete("/Faxes/{Sid}", DeleteFax).WithName("DeleteFax");
        v1.MapGet("/Faxes/{FaxSid}/Media", ListMedia).WithName("ListFaxMedia");
        v1.MapGet("/Faxes/{FaxSid}/Media/{Sid}", FetchMedia).WithName("FetchFaxMedia");
        v1.MapDelete("/Faxes/{FaxSid}/Media/{Sid}", DeleteMedia).WithName("DeleteFaxMedia");
        return endpoints;
    }

    /// <summary>The base of resource URLs: the configured public base, else the request's scheme and host.</summary>
    public static string BaseUrl(HttpContext http, TwilioOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        return options.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{http.Request.Scheme}://{http.Request.Host}";
    }

    private static async Task<IResult> CreateFax(HttpContext http, TwilioFaxService service, IOptions<TwilioOptions> options)
    {
        var account = TwilioAuthFilter.Caller(http);
        if (!http.Request.HasFormContentType)
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, "CreateFax takes an application/x-www-form-urlencoded body");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        string Value(string name) => form[name].ToString().Trim();

        var to = Value("To");
        if (to.Length == 0)
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidTo, "Required parameter To is missing");
        }

        if (to.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidTo, "SIP destinations are not supported: this gateway dials over fax modems");
        }

        if (!PhoneNumbers.TryNormalize(to, out var normalizedTo))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidTo, $"The 'To' number {to} is not a valid phone number");
        }

        var mediaUrl = Value("MediaUrl");
        if (!TwilioUrls.IsHttpUrl(mediaUrl))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidMediaUrl, mediaUrl.Length == 0 ? "Required parameter MediaUrl is missing" : "MediaUrl must be an absolute http(s) URL");
        }

        string from;
        var fromText = Value("From");
        if (fromText.Length == 0)
        {
            from = await service.DefaultFromAsync(account.AccountId, http.RequestAborted).ConfigureAwait(false);
        }
        else if (!PhoneNumbers.TryNormalize(fromText, out var normalizedFrom) || !await service.OwnsNumberAsync(account.AccountId, normalizedFrom, http.RequestAborted).ConfigureAwait(false))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidFrom, $"The 'From' number {fromText} is not a number of this account");
        }
        else
        {
            from = normalizedFrom;
        }

        var quality = Value("Quality");
        if (quality.Length == 0)
        {
            quality = "fine";
        }
        else if (quality is not ("standard" or "fine" or "superfine"))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, "Quality must be standard, fine or superfine");
        }

        var statusCallback = Value("StatusCallback");
        if (statusCallback.Length > 0 && !TwilioUrls.IsHttpUrl(statusCallback))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, "StatusCallback must be an absolute http(s) URL");
        }

        var storeMediaText = Value("StoreMedia");
        if (!TryParseBool(storeMediaText, defaultValue: true, out var storeMedia))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, "StoreMedia must be true or false");
        }

        var ttlText = Value("Ttl");
        var ttl = 60;
        if (ttlText.Length > 0 && (!int.TryParse(ttlText, NumberStyles.None, CultureInfo.InvariantCulture, out ttl) || ttl is < 5 or > 300))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, "Ttl must be a whole number of minutes from 5 to 300");
        }

        var fax = await service.CreateAsync(
            account,
            new CreateFaxCommand(normalizedTo, mediaUrl, from, quality, statusCallback.Length > 0 ? statusCallback : null, storeMedia, ttl),
            http.RequestAborted).ConfigureAwait(false);
        return Results.Json(TwilioWire.Fax(fax, account.AccountSid, BaseUrl(http, options.Value)), TwilioWire.Json, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListFaxes(HttpContext http, ITwilioRepository twilio, IOptions<TwilioOptions> options)
    {
        var account = TwilioAuthFilter.Caller(http);
        var query = http.Request.Query;
        if (!TryInt(query["PageSize"], DefaultPageSize, 1, int.MaxValue, out var pageSize) || !TryInt(query["Page"], 0, 0, int.MaxValue, out var page))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, "PageSize and Page must be whole numbers");
        }

        pageSize = Math.Min(pageSize, MaxPageSize);
        if (!TryDate(query["DateCreatedOnOrBefore"], out var onOrBefore) || !TryDate(query["DateCreatedAfter"], out var after))
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, "DateCreatedOnOrBefore and DateCreatedAfter must be ISO 8601 dates");
        }

        var filter = new TwilioFaxQuery
        {
            AccountId = account.AccountId,
            From = NormalizedOrNull(query["From"]),
            To = NormalizedOrNull(query["To"]),
            CreatedOnOrBefore = onOrBefore,
            CreatedAfter = after,
            Limit = pageSize + 1,
        };

        // PageToken (from next_page_url) pages by position; a bare Page number pages by offset.
        var pageToken = query["PageToken"].ToString();
        if (pageToken.Length > 0)
        {
            var anchor = pageToken.StartsWith("PT", StringComparison.Ordinal) && TwilioFax.IsSid(pageToken[2..], "FX")
                ? await twilio.GetFaxAsync(account.AccountId, pageToken[2..], http.RequestAborted).ConfigureAwait(false)
                : null;
            if (anchor is null)
            {
                return TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, "PageToken is not valid");
            }

            filter = filter with { Before = (anchor.DateCreated, anchor.Sid) };
        }
        else
        {
            filter = filter with { Offset = (int)Math.Min((long)page * pageSize, int.MaxValue) };
        }

        var rows = await twilio.ListFaxesAsync(filter, http.RequestAborted).ConfigureAwait(false);
        var baseUrl = BaseUrl(http, options.Value);
        var items = rows.Take(pageSize).Select(f => TwilioWire.Fax(f, account.AccountSid, baseUrl)).ToList();
        var filters = FilterQuery(query);
        string PageUrl(int p, string? token) =>
            $"{baseUrl}/v1/Faxes?{filters}PageSize={pageSize.ToString(CultureInfo.InvariantCulture)}&Page={p.ToString(CultureInfo.InvariantCulture)}"
            + (token is null ? "" : "&PageToken=PT" + token);

        var meta = new TwilioPageMeta(
            PageUrl(0, null),
            "faxes",
            rows.Count > pageSize ? PageUrl(page + 1, items[^1].Sid) : null,
            page,
            pageSize,
            page > 0 && pageToken.Length == 0 ? PageUrl(page - 1, null) : null,
            baseUrl + http.Request.Path + http.Request.QueryString);
        return Results.Json(new TwilioFaxList(items, meta), TwilioWire.Json);
    }

    private static async Task<IResult> FetchFax(HttpContext http, string Sid, ITwilioRepository twilio, IOptions<TwilioOptions> options)
    {
        var account = TwilioAuthFilter.Caller(http);
        var fax = TwilioFax.IsSid(Sid, "FX") ? await twilio.GetFaxAsync(account.AccountId, Sid, http.RequestAborted).ConfigureAwait(false) : null;
        return fax is null
            ? TwilioWire.NotFound($"/v1/Faxes/{Sid}")
            : Results.Json(TwilioWire.Fax(fax, account.AccountSid, BaseUrl(http, options.Value)), TwilioWire.Json);
    }

    private static async Task<IResult> UpdateFax(HttpContext http, string Sid, TwilioFaxService service, IOptions<TwilioOptions> options)
    {
        var account = TwilioAuthFilter.Caller(http);
        if (!TwilioFax.IsSid(Sid, "FX"))
        {
            return TwilioWire.NotFound($"/v1/Faxes/{Sid}");
        }

        var status = http.Request.HasFormContentType ? (await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false))["Status"].ToString() : "";
        if (status != TwilioFaxStatus.Canceled)
        {
            return TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, "Status must be canceled (the only update a fax allows)");
        }

        var (outcome, fax) = await service.CancelAsync(account, Sid, http.RequestAborted).ConfigureAwait(false);
        return outcome switch
        {
            TwilioChangeOutcome.Done => Results.Json(TwilioWire.Fax(fax!, account.AccountSid, BaseUrl(http, options.Value)), TwilioWire.Json),
            TwilioChangeOutcome.NotFound => TwilioWire.NotFound($"/v1/Faxes/{Sid}"),
            TwilioChangeOutcome.Busy => TwilioWire.Conflict($"Fax {Sid} is {fax!.Status} and can no longer be canceled"),
            _ => TwilioWire.BadRequest(TwilioErrorCodes.InvalidParameter, $"Fax {Sid} is {fax!.Status}: only a fax that has not started sending can be canceled"),
        };
    }

    private static async Task<IResult> DeleteFax(HttpContext http, string Sid, TwilioFaxService service)
    {
        var account = TwilioAuthFilter.Caller(http);
        if (!TwilioFax.IsSid(Sid, "FX"))
        {
            return TwilioWire.NotFound($"/v1/Faxes/{Sid}");
        }

        return await service.DeleteAsync(account, Sid, http.RequestAborted).ConfigureAwait(false) switch
        {
            TwilioChangeOutcome.Done => Results.NoContent(),
            TwilioChangeOutcome.NotFound => TwilioWire.NotFound($"/v1/Faxes/{Sid}"),
            _ => TwilioWire.Conflict($"Fax {Sid} is still in progress: cancel it or wait for its final status before deleting it"),
        };
    }

    private static async Task<IResult> ListMedia(HttpContext http, string FaxSid, ITwilioRepository twilio, IOptions<TwilioOptions> options)
    {
        var account = TwilioAuthFilter.Caller(http);
        var fax = TwilioFax.IsSid(FaxSid, "FX") ? await twilio.GetFaxAsync(account.AccountId, FaxSid, http.RequestAborted).ConfigureAwait(false) : null;
        if (fax is null)
        {
            return TwilioWire.NotFound($"/v1/Faxes/{FaxSid}");
        }

        var baseUrl = BaseUrl(http, options.Value);
        var url = $"{baseUrl}/v1/Faxes/{FaxSid}/Media";
        IReadOnlyList<TwilioMediaWire> media = fax.MediaSid is null ? [] : [TwilioWire.Media(fax, account.AccountSid, baseUrl)];
        var first = $"{url}?PageSize={DefaultPageSize.ToString(CultureInfo.InvariantCulture)}&Page=0";
        return Results.Json(new TwilioMediaList(media, new TwilioPageMeta(first, "media", null, 0, DefaultPageSize, null, url)), TwilioWire.Json);
    }

    private static async Task<IResult> FetchMedia(HttpContext http, string FaxSid, string Sid, ITwilioRepository twilio, TwilioFaxService service, IOptions<TwilioOptions> options)
    {
        var account = TwilioAuthFilter.Caller(http);
        var fax = TwilioFax.IsSid(FaxSid, "FX") && TwilioFax.IsSid(Sid, "ME")
            ? await twilio.GetFaxAsync(account.AccountId, FaxSid, http.RequestAborted).ConfigureAwait(false)
            : null;
        if (fax is null || fax.MediaSid != Sid)
        {
            return TwilioWire.NotFound($"/v1/Faxes/{FaxSid}/Media/{Sid}");
        }

        // Spec 5.6: Accept: application/json gives the properties, anything else the media itself.
        if (http.Request.Headers.Accept.Any(a => a is not null && a.Contains("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return Results.Json(TwilioWire.Media(fax, account.AccountSid, BaseUrl(http, options.Value)), TwilioWire.Json);
        }

        var opened = await service.OpenMediaAsync(fax, http.RequestAborted).ConfigureAwait(false);
        return opened is { } media
            ? Results.Stream(media.Content, media.ContentType, fileDownloadName: null, enableRangeProcessing: false)
            : TwilioWire.NotFound($"/v1/Faxes/{FaxSid}/Media/{Sid}");
    }

    private static async Task<IResult> DeleteMedia(HttpContext http, string FaxSid, string Sid, TwilioFaxService service)
    {
        var account = TwilioAuthFilter.Caller(http);
        return TwilioFax.IsSid(FaxSid, "FX") && TwilioFax.IsSid(Sid, "ME") && await service.DeleteMediaAsync(account, FaxSid, Sid, http.RequestAborted).ConfigureAwait(false)
            ? Results.NoContent()
            : TwilioWire.NotFound($"/v1/Faxes/{FaxSid}/Media/{Sid}");
    }

    private static bool TryParseBool(string text, bool defaultValue, out bool value)
    {
        value = defaultValue;
        if (text.Length == 0)
        {
            return true;
        }

        return bool.TryParse(text, out value);
    }

    private static bool TryInt(string? text, int defaultValue, int min, int max, out int value)
    {
        value = defaultValue;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    private static bool TryDate(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private static string? NormalizedOrNull(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : PhoneNumbers.TryNormalize(text, out var n) ? n : text.Trim();

    private static string FilterQuery(IQueryCollection query)
    {
        var builder = new StringBuilder();
        foreach (var name in new[] { "From", "To", "DateCreatedOnOrBefore", "DateCreatedAfter" })
        {
            var value = query[name].ToString();
            if (value.Length > 0)
            {
                builder.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
            }
        }

        return builder.ToString();
    }
}
