using System.Net;
using System.Net.Http.Headers;
using FaxGateway.Core.Twilio;

namespace FaxGateway.Api.Twilio;

/// <summary>One request the gateway makes as a Twilio-style HTTP client (FaxUrl, fallback, action, status callback, MediaUrl).</summary>
public sealed record TwilioWebhookRequest
{
    /// <summary>The URL as configured: may carry userinfo (HTTP auth) and a <c>#fragment</c> of connection overrides, neither is sent.</summary>
    public required string Url { get; init; }

    /// <summary>POST sends the parameters as a form; GET appends them to the query.</summary>
    public TwimlMethod Method { get; init; } = TwimlMethod.Post;

    /// <summary>Decoded parameters, in any order; they are signed sorted.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>The account's auth token; every hop is signed with it.</summary>
    public required string AuthToken { get; init; }

    /// <summary>Cookie jar and remembered credentials shared by the requests of one number pair; null for none.</summary>
    public TwilioWebhookSession? Session { get; init; }

    /// <summary>Largest answer body read, in bytes; a larger one fails with 11750 as soon as it passes the limit.</summary>
    public long MaxResponseBytes { get; init; } = TwimlParser.DefaultMaxBytes;

    /// <summary>Whether the answer body matters (TwiML, media); callbacks ignore it and do not read it.</summary>
    public bool ReadBody { get; init; } = true;

    /// <summary>Where to copy the body; null buffers it into <see cref="TwilioWebhookResponse.Body"/>.</summary>
    public Stream? BodyDestination { get; init; }

    /// <summary>Limits when the URL's fragment sets none; null = Twilio's defaults.</summary>
    public ConnectionOverrides? Defaults { get; init; }

    /// <summary><c>Accept</c> header value.</summary>
    public string Accept { get; init; } = "*/*";
}

/// <summary>A 2xx answer.</summary>
public sealed record TwilioWebhookResponse(HttpStatusCode StatusCode, MediaTypeHeaderValue? ContentType, byte[] Body, long BodyLength, Uri FinalUrl);

/// <summary>Why a request failed.</summary>
public enum TwilioWebhookFailure
{
    /// <summary>Connection refused, name not resolved, connect timeout.</summary>
    Connect,

    /// <summary>No answer, or a pause between packets, longer than the read timeout.</summary>
    ReadTimeout,

    /// <summary>The total time (including retries) ran out.</summary>
    TotalTimeout,

    /// <summary>A non-2xx status.</summary>
    HttpStatus,

    /// <summary>The answer is larger than allowed.</summary>
    TooLarge,

    /// <summary>More than the allowed redirects, or a redirect without a usable Location.</summary>
    Redirect,

    /// <summary>The URL is not an absolute http(s) URL.</summary>
    InvalidUrl,
}

/// <summary>A failed webhook request, with the Twilio-style error code the fax reports.</summary>
public sealed class TwilioWebhookException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TwilioWebhookException(TwilioWebhookFailure failure, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        StatusCode = statusCode;
    }

    /// <summary>Creates a generic failure.</summary>
    public TwilioWebhookException()
        : this(TwilioWebhookFailure.Connect, "webhook request failed")
    {
    }

    /// <summary>Creates a generic failure.</summary>
    public TwilioWebhookException(string message)
        : this(TwilioWebhookFailure.Connect, message)
    {
    }

    /// <summary>Creates a generic failure.</summary>
    public TwilioWebhookException(string message, Exception innerException)
        : this(TwilioWebhookFailure.Connect, message, null, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public TwilioWebhookFailure Failure { get; }

    /// <summary>The HTTP status of <see cref="TwilioWebhookFailure.HttpStatus"/>.</summary>
    public int? StatusCode { get; }

    /// <summary>Twilio-style error code for the fax (11200 retrieval, 11205 connection, 11750 too large).</summary>
    public int ErrorCode => Failure switch
    {
        TwilioWebhookFailure.Connect or TwilioWebhookFailure.ReadTimeout or TwilioWebhookFailure.TotalTimeout => TwilioErrorCodes.HttpConnectionFailure,
        TwilioWebhookFailure.TooLarge => TwilioErrorCodes.ResponseBodyTooLarge,
        _ => TwilioErrorCodes.HttpRetrievalFailure,
    };
}

/// <summary>
/// State shared by the requests of one number pair, like a browser's: cookies (sent back as a browser would) and the
/// credentials that a 401 challenge made us use (kept for the rest of the session).
/// </summary>
public sealed class TwilioWebhookSession
{
    private readonly Dictionary<string, Func<HttpMethod, Uri, AuthenticationHeaderValue>> _credentials = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    /// <summary>The cookie jar.</summary>
    public CookieContainer Cookies { get; } = new();

    internal AuthenticationHeaderValue? AuthorizationFor(HttpMethod method, Uri uri)
    {
        Func<HttpMethod, Uri, AuthenticationHeaderValue>? credentials;
        lock (_gate)
        {
            credentials = _credentials.GetValueOrDefault(uri.GetLeftPart(UriPartial.Authority));
        }

        return credentials?.Invoke(method, uri);
    }

    internal void RememberCredentials(Uri uri, Func<HttpMethod, Uri, AuthenticationHeaderValue> credentials)
    {
        lock (_gate)
        {
            _credentials[uri.GetLeftPart(UriPartial.Authority)] = credentials;
        }
    }
}
