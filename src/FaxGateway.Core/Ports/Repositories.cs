using FaxGateway.Core.Model;

namespace FaxGateway.Core.Ports;

/// <summary>
/// Creates the schema and applies pending migrations. Implemented per storage engine (SQLite now,
/// PostgreSQL later); Core never sees SQL.
/// </summary>
public interface IStorageInitializer
{
    /// <summary>Applies every migration not applied yet, each in its own transaction; returns the schema version.</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken);
}

public interface IAccountRepository
{
    Task<Account?> GetAsync(string accountId, CancellationToken cancellationToken);
    Task<Account?> GetByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>Members of a corporate admin.</summary>
    Task<IReadOnlyList<Account>> ListMembersAsync(string adminId, CancellationToken cancellationToken);

    /// <summary>The first account ever created (the one <c>faxgw run</c> creates as "self"), if any.</summary>
    Task<Account?> GetFirstAsync(CancellationToken cancellationToken);
    Task AddAsync(Account account, CancellationToken cancellationToken);

    /// <summary>Replaces the account's mutable fields; false when it does not exist.</summary>
    Task<bool> UpdateAsync(Account account, CancellationToken cancellationToken);
}

public interface ITokenRepository
{
    Task AddAsync(ApiToken token, CancellationToken cancellationToken);
    Task<ApiToken?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken);
    Task<bool> DeleteAsync(string tokenId, CancellationToken cancellationToken);
}

public interface INumberRepository
{
    /// <summary>Numbers owned by or assigned to the account.</summary>
    Task<IReadOnlyList<FaxNumber>> ListVisibleAsync(string accountId, CancellationToken cancellationToken);
    Task<FaxNumber?> GetByNumberAsync(string number, CancellationToken cancellationToken);
    Task<IReadOnlyList<FaxNumber>> ListByLineAsync(string lineId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the number (keyed by <see cref="FaxNumber.Number"/>).</summary>
    Task UpsertAsync(FaxNumber number, CancellationToken cancellationToken);
}

public interface ILineRepository
{
    Task<IReadOnlyList<FaxLine>> ListAsync(CancellationToken cancellationToken);
    Task<FaxLine?> GetAsync(string lineId, CancellationToken cancellationToken);

    /// <summary>Registers a configured line or updates its static fields; health fields are kept.</summary>
    Task UpsertAsync(FaxLine line, CancellationToken cancellationToken);
    Task UpdateHealthAsync(string lineId, LineHealthState health, int consecutiveFailures, DateTimeOffset at, CancellationToken cancellationToken);
}

public interface IFileRepository
{
    Task AddAsync(StoredFile file, CancellationToken cancellationToken);

    /// <summary>The file, only if it belongs to <paramref name="accountId"/>.</summary>
    Task<StoredFile?> GetAsync(string accountId, string fileId, CancellationToken cancellationToken);

    /// <summary>Deletes the record; the caller removes the content after the commit.</summary>
    Task<bool> DeleteAsync(string accountId, string fileId, CancellationToken cancellationToken);

    /// <summary>Uploads past their expiry that no unfinished outbox entry references.</summary>
    Task<IReadOnlyList<StoredFile>> ListExpiredUploadsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>The relative path of every file record (to find contents a stopped daemon left without one).</summary>
    Task<IReadOnlySet<string>> ListRelativePathsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The queue. Each method is one transaction; the claims are atomic so two line workers (or two
/// gateways on one PostgreSQL queue) never get the same job.
/// </summary>
public interface IJobRepository
{
    /// <summary>
    /// Stores an outbox entry and its jobs (one per destination) in one transaction; throws
    /// <see cref="Jobs.DuplicateIdempotencyKeyException"/> when the account has an entry with the same idempotency key.
    /// </summary>
    Task SubmitAsync(OutboxEntry entry, IReadOnlyList<FaxJob> jobs, CancellationToken cancellationToken);

    Task<OutboxEntry?> GetOutboxAsync(string accountId, string outboxId, CancellationToken cancellationToken);

    /// <summary>The account's entry created with <paramref name="idempotencyKey"/>, if any.</summary>
    Task<OutboxEntry?> FindByIdempotencyKeyAsync(string accountId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Outbox entries of the account with at least one unfinished job, newest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> ListOutboxAsync(string accountId, CancellationToken cancellationToken);
    Task<IReadOnlyList<FaxJob>> ListJobsAsync(string outboxId, CancellationToken cancellationToken);
    Task<FaxJob?> GetJobAsync(string jobId, CancellationToken cancellationToken);
    Task<IReadOnlyList<JobStateChange>> ListStateChangesAsync(string outboxId, CancellationToken cancellationToken);
    Task<bool> UpdateCommentAsync(string accountId, string outboxId, string comment, CancellationToken cancellationToken);

    /// <summary>Atomically moves the oldest submitted entry's jobs to <see cref="JobState.Converting"/>.</summary>
    Task<OutboxEntry?> ClaimForConversionAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the converted document's file record and moves the entry's converting jobs to
    /// <see cref="JobState.Scheduled"/> with its page count: one transaction.
    /// </summary>
    Task MarkConvertedAsync(string outboxId, StoredFile document, int pageCount, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically claims the most urgent due job (priority, then not-before) whose destination has
    /// fewer than <paramref name="maxPerDestination"/> jobs sending, sets it <see cref="JobState.Sending"/>
    /// on <paramref name="lineId"/> with a new session id and one more attempt.
    /// </summary>
    Task<FaxJob?> ClaimNextAsync(string lineId, string newSessionId, DateTimeOffset now, int maxPerDestination, CancellationToken cancellationToken) =>
        ClaimNextAsync(new JobClaim(lineId, newSessionId, now, maxPerDestination), cancellationToken);

    /// <summary>The same claim with every option (e.g. a line never dials its own number).</summary>
    Task<FaxJob?> ClaimNextAsync(JobClaim claim, CancellationToken cancellationToken);

    /// <summary>Puts a failed attempt's job back to <see cref="JobState.Scheduled"/> not before <paramref name="notBefore"/>.
    /// Only a job still <see cref="JobState.Sending"/> changes; false otherwise.</summary>
    Task<bool> RescheduleAsync(string jobId, AttemptRecord attempt, int failuresOfKind, DateTimeOffset notBefore, CancellationToken cancellationToken);

    /// <summary>
    /// Ends jobs (sent, failed, cancelled), writes their fax records and callbacks: one transaction. Each
    /// job changes only if it is still in the state it was read in (<see cref="FaxJob.State"/> of
    /// <see cref="JobCompletion.Job"/>); otherwise nothing is written and false is returned.
    /// </summary>
    Task<bool> CompleteAsync(JobCompletionBatch batch, CancellationToken cancellationToken);

    /// <summary>Jobs left converting or sending by a stopped daemon (crash recovery at start).</summary>
    Task<IReadOnlyList<FaxJob>> ListInFlightAsync(CancellationToken cancellationToken);

    /// <summary>Moves entries left in converting back to submitted (conversion is idempotent).</summary>
    Task<int> ResetConvertingAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Unfinished, not sending jobs whose kill time has passed, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<FaxJob>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>The earliest not-before of scheduled jobs, so the scheduler can sleep until then.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>Jobs per state, for metrics.</summary>
    Task<IReadOnlyDictionary<JobState, long>> CountByStateAsync(CancellationToken cancellationToken);
}

/// <summary>What a line asks the queue for: the most urgent due job it may dial.</summary>
/// <param name="ExcludeDestination">The line's own number: a line never calls itself (it would only get busy).</param>
public sealed record JobClaim(string LineId, string NewSessionId, DateTimeOffset Now, int MaxPerDestination, string? ExcludeDestination = null);

/// <summary>One job's final state, with the fax record it leaves in history (none for a user's cancel).</summary>
public sealed record JobCompletion(FaxJob Job, JobState FinalState, AttemptRecord Attempt, FaxRecord? Record);

/// <summary>Completions plus the callbacks they cause, committed together.</summary>
public sealed record JobCompletionBatch(IReadOnlyList<JobCompletion> Completions, IReadOnlyList<CallbackDelivery> Callbacks);

public interface IFaxRepository
{
    Task<IReadOnlyList<FaxRecord>> ListAsync(FaxQuery query, CancellationToken cancellationToken);

    /// <summary>By record id, session id or hook id, only within <paramref name="accountId"/>.</summary>
    Task<FaxRecord?> GetAsync(string accountId, string idOrSessionId, CancellationToken cancellationToken);
    Task<bool> UpdateAsync(string accountId, string faxId, string comment, bool isRead, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the record and its file record; returns the file to remove from disk, if any.</summary>
    Task<(bool Deleted, StoredFile? File)> DeleteAsync(string accountId, string faxId, CancellationToken cancellationToken);

    /// <summary>Stores a received fax (its file already written) and its callbacks in one transaction.</summary>
    Task AddReceivedAsync(FaxRecord record, StoredFile? file, IReadOnlyList<CallbackDelivery> callbacks, CancellationToken cancellationToken);
}

public interface IWebhookRepository
{
    Task<IReadOnlyList<Webhook>> ListAsync(string accountId, string? eventName, CancellationToken cancellationToken);
    Task AddAsync(Webhook hook, CancellationToken cancellationToken);
    Task<bool> DeleteAsync(string accountId, string hookId, CancellationToken cancellationToken);
}

/// <summary>The persistent outbox of outgoing HTTP callbacks (webhooks and Twilio callbacks).</summary>
public interface ICallbackQueue
{
    Task EnqueueAsync(IReadOnlyList<CallbackDelivery> deliveries, CancellationToken cancellationToken);

    /// <summary>Due deliveries, oldest first.</summary>
    Task<IReadOnlyList<CallbackDelivery>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);
    Task MarkDeliveredAsync(string deliveryId, DateTimeOffset at, CancellationToken cancellationToken);
    Task MarkFailedAsync(string deliveryId, int attempts, DateTimeOffset? nextAttemptAt, string error, CancellationToken cancellationToken);
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);
}

/// <summary>
/// File contents in the data folder. Writes are atomic (temporary file in the same folder, flush, rename)
/// so a crash never leaves a half file under a final name.
/// </summary>
public interface IFileContentStore
{
    /// <summary>Writes <paramref name="content"/> under a new relative path built from <paramref name="fileId"/>; returns the relative path and size.</summary>
    Task<(string RelativePath, long Size)> WriteAsync(string fileId, string extension, Stream content, CancellationToken cancellationToken);

    /// <summary>A fresh temporary path in the data folder for a producer that writes a file itself (e.g. a receiving line).</summary>
    string CreateTemporaryPath(string extension);

    /// <summary>Moves a finished temporary file to its final place; returns the relative path and size.</summary>
    (string RelativePath, long Size) Commit(string temporaryPath, string fileId, string extension);
    string GetFullPath(string relativePath);
    Stream OpenRead(string relativePath);
    void Delete(string relativePath);

    /// <summary>Removes temporary files a crash left behind (nothing references them); returns how many.</summary>
    int CleanTemporary();

    /// <summary>The relative path of every stored file (temporary files not included).</summary>
    IEnumerable<string> ListStored();
}
