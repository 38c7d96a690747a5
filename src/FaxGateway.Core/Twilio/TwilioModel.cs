using System.Security.Cryptography;
using FaxGateway.Core.Model;

namespace FaxGateway.Core.Twilio;

/// <summary>Twilio credentials of an account: the AccountSid (AC + 32 hex) that names it and the auth token that signs and authenticates.</summary>
public sealed record TwilioCredentials(string AccountSid, string AuthToken);

/// <summary>The Twilio face of a gateway account.</summary>
public sealed record TwilioAccount
{
    /// <summary>The gateway account (FAX.PLUS uid).</summary>
    public required string AccountId { get; init; }

    /// <summary>AC + 32 hex.</summary>
    public required string AccountSid { get; init; }

    /// <summary>32 hex; kept in clear because it is the HMAC key of every signature.</summary>
    public required string AuthToken { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The pair used to sign and to authenticate.</summary>
    public TwilioCredentials Credentials => new(AccountSid, AuthToken);
}

/// <summary>Where a number's incoming faxes are routed (Twilio: voice_receive_mode=fax, voice_url, voice_fallback_url).</summary>
public sealed record TwilioNumberRouting(string FaxUrl, TwimlMethod FaxMethod = TwimlMethod.Post, string? FallbackUrl = null, TwimlMethod FallbackMethod = TwimlMethod.Post);

/// <summary>The routing of one number, as stored.</summary>
public sealed record TwilioNumberConfig
{
    /// <summary>E.164, the same text as <see cref="FaxNumber.Number"/>.</summary>
    public required string Number { get; init; }
    public required TwilioNumberRouting Routing { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Twilio Fax direction.</summary>
public enum TwilioFaxDirection
{
    /// <summary>Received by a line.</summary>
    Inbound,

    /// <summary>Sent through the queue.</summary>
    Outbound,
}

/// <summary>The closed set of Twilio Fax statuses (spec twiml-fax.md 5.4).</summary>
public static class TwilioFaxStatus
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Sending = "sending";
    public const string Delivered = "delivered";
    public const string Receiving = "receiving";
    public const string Received = "received";
    public const string NoAnswer = "no-answer";
    public const string Busy = "busy";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    /// <summary>Every value, in the spec's order.</summary>
    public static readonly IReadOnlyList<string> All = [Queued, Processing, Sending, Delivered, Receiving, Received, NoAnswer, Busy, Failed, Canceled];

    /// <summary>Final statuses: nothing changes after them.</summary>
    public static bool IsFinal(string status) => status is Delivered or Received or NoAnswer or Busy or Failed or Canceled;

    /// <summary>
    /// The Twilio status of an outbound queue job. A job waiting for a line is still <c>processing</c> before its first
    /// call and <c>sending</c> between retries, so the status only ever moves forward (queued, processing, sending, final).
    /// </summary>
    public static string ForJob(JobState state, int attempts, FailureKind lastFailure) => state switch
    {
        JobState.Submitted => Processing,
        JobState.Converting => Processing,
        JobState.Scheduled => attempts == 0 ? Processing : Sending,
        JobState.Sending => Sending,
        JobState.Sent => Delivered,
        JobState.Cancelled => Canceled,
        _ => ForFailure(lastFailure),
    };

    /// <summary>The final status of a failed send.</summary>
    public static string ForFailure(FailureKind failure) => failure switch
    {
        FailureKind.Busy => Busy,
        FailureKind.NoAnswer => NoAnswer,
        _ => Failed,
    };

    /// <summary>The Twilio error code for a failure (spec 8), or null for none.</summary>
    public static int? ErrorCodeFor(FailureKind failure) => failure switch
    {
        FailureKind.None => null,
        FailureKind.Busy => TwilioErrorCodes.Busy,
        FailureKind.NoAnswer => TwilioErrorCodes.NoAnswer,
        FailureKind.ConversionFailed or FailureKind.UnsupportedDocument => TwilioErrorCodes.MediaFetchFailure,
        _ => TwilioErrorCodes.TransmissionError,
    };
}

/// <summary>One Twilio Fax resource (either direction), stored beside the queue's job and fax records it maps to.</summary>
public sealed record TwilioFax
{
    /// <summary>FX + 32 hex.</summary>
    public required string Sid { get; init; }
    public required string AccountId { get; init; }
    public required TwilioFaxDirection Direction { get; init; }

    /// <summary>One of <see cref="TwilioFaxStatus"/>: the last status reported (callbacks are sent on each change).</summary>
    public required string Status { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public string? Quality { get; init; }

    /// <summary>Outbound: the MediaUrl given on create.</summary>
    public string? OriginalMediaUrl { get; init; }
    public string? StatusCallback { get; init; }
    public bool StoreMedia { get; init; } = true;

    /// <summary>Outbound: minutes after creation to keep trying.</summary>
    public int? TtlMinutes { get; init; }

    /// <summary>Outbound: the queue job and outbox entry, once the media was fetched and submitted.</summary>
    public string? JobId { get; init; }
    public string? OutboxId { get; init; }

    /// <summary>The FAX.PLUS fax record (history), once final.</summary>
    public string? FaxRecordId { get; init; }

    /// <summary>ME + 32 hex, while media is stored.</summary>
    public string? MediaSid { get; init; }

    /// <summary>The stored file behind <see cref="MediaSid"/> (the fetched document, or the received pages).</summary>
    public string? MediaFileId { get; init; }

    /// <summary>What MediaUrl serves: application/pdf or image/tiff.</summary>
    public string? MediaContentType { get; init; }
    public int? NumPages { get; init; }
    public int? DurationSeconds { get; init; }
    public string? RemoteStationId { get; init; }
    public int? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }

    /// <summary>
    /// Inbound: the <c>&lt;Receive action&gt;</c> URL, resolved against the URL that returned the TwiML, as the tenant wrote it
    /// (userinfo and a <c>#fragment</c> of connection overrides are kept: the HTTP client uses and strips them). Stored
    /// when the call is answered so the callback is sent even when the daemon stopped during the call; null: no action.
    /// </summary>
    public string? ActionUrl { get; init; }

    /// <summary>Inbound: the <c>&lt;Receive method&gt;</c> of <see cref="ActionUrl"/>.</summary>
    public TwimlMethod ActionMethod { get; init; } = TwimlMethod.Post;

    /// <summary>Jobs-history entries already reported as callbacks (outbound), so none is sent twice.</summary>
    public int ReportedChanges { get; init; }
    public required DateTimeOffset DateCreated { get; init; }
    public required DateTimeOffset DateUpdated { get; init; }

    /// <summary>New FX sid.</summary>
    public static string NewFaxSid() => "FX" + NewHex32();

    /// <summary>New ME sid.</summary>
    public static string NewMediaSid() => "ME" + NewHex32();

    /// <summary>New AC sid.</summary>
    public static string NewAccountSid() => "AC" + NewHex32();

    /// <summary>32 random hex characters (a new auth token).</summary>
    public static string NewHex32() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Whether <paramref name="sid"/> is <paramref name="prefix"/> + 32 hex (spec 5.2 path patterns).</summary>
    public static bool IsSid(string? sid, string prefix)
    {
        if (sid is null || sid.Length != 34 || !sid.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in sid.AsSpan(2))
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A page of an account's faxes, newest first (ListFax filters).</summary>
public sealed record TwilioFaxQuery
{
    public required string AccountId { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public DateTimeOffset? CreatedOnOrBefore { get; init; }
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Keyset paging: faxes strictly older than this (date, sid) position.</summary>
    public (DateTimeOffset Date, string Sid)? Before { get; init; }

    /// <summary>Rows to skip (page number paging without a page token).</summary>
    public int Offset { get; init; }
    public int Limit { get; init; } = 50;
}

/// <summary>Twilio's fax <c>Quality</c> as the resolution the document is rendered at.</summary>
public static class TwilioQuality
{
    /// <summary>standard: 204 × 98; fine (Twilio's default, also for null): 204 × 196; superfine: 204 × 391.</summary>
    public static FaxGateway.Imaging.FaxResolution Resolution(string? quality) => quality switch
    {
        "standard" => FaxGateway.Imaging.FaxResolution.Standard,
        "superfine" => FaxGateway.Imaging.FaxResolution.SuperFine,
        _ => FaxGateway.Imaging.FaxResolution.Fine,
    };
}
