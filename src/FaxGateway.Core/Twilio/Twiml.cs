namespace FaxGateway.Core.Twilio;

/// <summary>HTTP method for a TwiML URL (FaxUrl, fallback, <c>&lt;Receive action&gt;</c>).</summary>
public enum TwimlMethod
{
    /// <summary>Form-encoded body (the default).</summary>
    Post,

    /// <summary>Parameters appended to the query string.</summary>
    Get,
}

/// <summary>Page size of <c>&lt;Receive pageSize&gt;</c>, used when received pages are rendered.</summary>
public enum TwimlPageSize
{
    /// <summary>US Letter (the default).</summary>
    Letter,

    /// <summary>US Legal.</summary>
    Legal,

    /// <summary>ISO A4.</summary>
    A4,
}

/// <summary>What the tenant app told the gateway to do with an incoming fax call.</summary>
public abstract record TwimlInstruction;

/// <summary><c>&lt;Receive&gt;</c>: answer and receive; spec twiml-fax.md 3.1.</summary>
public sealed record TwimlReceive(
    string? Action,
    TwimlMethod Method,
    string MediaType,
    TwimlPageSize PageSize,
    bool StoreMedia) : TwimlInstruction
{
    /// <summary>PDF, the default storage format.</summary>
    public const string Pdf = "application/pdf";

    /// <summary>TIFF (Class F pages as received).</summary>
    public const string Tiff = "image/tiff";

    /// <summary>A plain <c>&lt;Receive/&gt;</c>.</summary>
    public static TwimlReceive Default { get; } = new(null, TwimlMethod.Post, Pdf, TwimlPageSize.Letter, StoreMedia: true);

    /// <summary>The action URL resolved against the URL that returned this TwiML (relative URLs are allowed), or null without action.</summary>
    public Uri? ResolveAction(Uri documentUrl)
    {
        ArgumentNullException.ThrowIfNull(documentUrl);
        if (string.IsNullOrWhiteSpace(Action))
        {
            return null;
        }

        return Uri.TryCreate(documentUrl, Action, out var resolved) && (resolved.Scheme == Uri.UriSchemeHttp || resolved.Scheme == Uri.UriSchemeHttps)
            ? resolved
            : throw new TwimlException(TwilioErrorCodes.DocumentParseFailure, $"<Receive action=\"{Action}\"> is not an http(s) URL");
    }
}

/// <summary><c>&lt;Reject/&gt;</c>: do not answer; the fax ends <c>canceled</c>. A voice-style <c>reason</c> is accepted and kept.</summary>
public sealed record TwimlReject(string? Reason) : TwimlInstruction;

/// <summary>A TwiML answer the gateway cannot act on; <see cref="ErrorCode"/> is the Twilio-style code reported with the failed fax.</summary>
public sealed class TwimlException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TwimlException(int errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Creates the exception with the generic parse-failure code.</summary>
    public TwimlException()
        : this(TwilioErrorCodes.DocumentParseFailure, "TwiML document parse failure")
    {
    }

    /// <summary>Creates the exception with the generic parse-failure code.</summary>
    public TwimlException(string message)
        : this(TwilioErrorCodes.DocumentParseFailure, message)
    {
    }

    /// <summary>Creates the exception with the generic parse-failure code.</summary>
    public TwimlException(string message, Exception innerException)
        : this(TwilioErrorCodes.DocumentParseFailure, message, innerException)
    {
    }

    /// <summary>Twilio-style error code (see <see cref="TwilioErrorCodes"/>).</summary>
    public int ErrorCode { get; }
}
