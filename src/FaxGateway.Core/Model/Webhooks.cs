namespace FaxGateway.Core.Model;

/// <summary>A registered FAX.PLUS webhook of one account.</summary>
public sealed record Webhook
{
    /// <summary>24 hex chars.</summary>
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required Uri Target { get; init; }

    /// <summary>fax_sent or fax_received.</summary>
    public required string Event { get; init; }

    /// <summary>Optional filter: fire only for these numbers on our side of the call.</summary>
    public IReadOnlyList<string> Numbers { get; init; } = [];

    /// <summary>Key of the HMAC-SHA256 body signature sent with every delivery.</summary>
    public required string SigningSecret { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// A fully formed outgoing HTTP callback (FAX.PLUS webhook or Twilio status callback) in the persistent
/// outbox: it is written in the same transaction as the event that caused it and deleted from the due
/// set only when a 2xx answer came back, so none is lost across restarts.
/// </summary>
public sealed record CallbackDelivery
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }

    /// <summary>Who made it (e.g. faxplus.fax_sent, twilio.status), for logs and metrics.</summary>
    public required string Source { get; init; }
    public required Uri Url { get; init; }

    /// <summary>
    /// POST sends <see cref="Body"/> as the request body; GET (Twilio's <c>&lt;Receive method="GET"&gt;</c>) appends the
    /// form-encoded <see cref="Body"/> to the URL's query and sends no body.
    /// </summary>
    public string Method { get; init; } = CallbackMethods.Post;
    public required string ContentType { get; init; }
    public required byte[] Body { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public int Attempts { get; init; }
    public required DateTimeOffset NextAttemptAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>Set when the retry budget is spent: kept for inspection, never retried.</summary>
    public bool GaveUp { get; init; }
    public string LastError { get; init; } = "";
}

/// <summary>The HTTP methods a <see cref="CallbackDelivery"/> is sent with.</summary>
public static class CallbackMethods
{
    public const string Post = "POST";
    public const string Get = "GET";
}
