namespace FaxGateway.Core.Jobs;

/// <summary>A send request the queue refuses (bad number, unknown file, send time in the past, ...).</summary>
public sealed class FaxRequestException(string code, string message) : Exception(message)
{
    /// <summary>Machine-readable snake_case code, e.g. <c>invalid_number</c>.</summary>
    public string Code { get; } = code;
}

/// <summary>Storage refused an outbox entry because its account already has one with the same idempotency key.</summary>
public sealed class DuplicateIdempotencyKeyException(string key, Exception? inner = null)
    : Exception($"An outbox entry with Idempotency-Key '{key}' exists already.", inner)
{
    public string Key { get; } = key;
}

/// <summary>Outcome of cancelling an outbox entry.</summary>
public enum CancelOutcome
{
    NotFound,
    Cancelled,

    /// <summary>A job of the entry is on a line right now.</summary>
    Busy,
}
