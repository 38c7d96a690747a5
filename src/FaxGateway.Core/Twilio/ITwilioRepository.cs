using FaxGateway.Core.Model;

namespace FaxGateway.Core.Twilio;

/// <summary>
/// Storage of the Twilio face: credentials per account, routing per number, and the Fax resources beside the queue.
/// Writes that cause status callbacks store them in the same transaction (the shared callback outbox).
/// </summary>
public interface ITwilioRepository
{
    Task<TwilioAccount?> GetAccountAsync(string accountId, CancellationToken cancellationToken);
    Task<TwilioAccount?> GetAccountBySidAsync(string accountSid, CancellationToken cancellationToken);

    /// <summary>The account's credentials, created (AC sid, random token) the first time.</summary>
    Task<TwilioAccount> EnsureAccountAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<TwilioNumberConfig?> GetNumberAsync(string number, CancellationToken cancellationToken);
    Task UpsertNumberAsync(TwilioNumberConfig config, CancellationToken cancellationToken);
    Task<bool> DeleteNumberAsync(string number, CancellationToken cancellationToken);

    /// <summary>Stores a new fax and its first callbacks.</summary>
    Task AddFaxAsync(TwilioFax fax, IReadOnlyList<CallbackDelivery> callbacks, CancellationToken cancellationToken);
    Task<TwilioFax?> GetFaxAsync(string accountId, string sid, CancellationToken cancellationToken);
    Task<TwilioFax?> GetFaxBySidAsync(string sid, CancellationToken cancellationToken);
    Task<TwilioFax?> GetFaxByJobAsync(string jobId, CancellationToken cancellationToken);
    Task<IReadOnlyList<TwilioFax>> ListFaxesAsync(TwilioFaxQuery query, CancellationToken cancellationToken);

    /// <summary>Replaces the fax if its stored status is still <paramref name="expectedStatus"/> and stores the callbacks; false otherwise.</summary>
    Task<bool> UpdateFaxAsync(TwilioFax fax, string expectedStatus, IReadOnlyList<CallbackDelivery> callbacks, CancellationToken cancellationToken);

    /// <summary>Outbound faxes whose status is not final, oldest first.</summary>
    Task<IReadOnlyList<TwilioFax>> ListOpenOutboundAsync(int limit, CancellationToken cancellationToken);
    /// <summary>Inbound faxes still <c>receiving</c> (after a restart: calls the stopped daemon never finished).</summary>
    Task<IReadOnlyList<TwilioFax>> ListReceivingAsync(int limit, CancellationToken cancellationToken);
    Task<bool> DeleteFaxAsync(string accountId, string sid, CancellationToken cancellationToken);
}
