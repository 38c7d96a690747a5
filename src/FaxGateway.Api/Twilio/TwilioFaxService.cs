using FaxGateway.Api.Callbacks;
using FaxGateway.Core;
using FaxGateway.Core.Documents;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Api.Twilio;

/// <summary>A validated CreateFax request.</summary>
public sealed record CreateFaxCommand(string To, string MediaUrl, string From, string Quality, string? StatusCallback, bool StoreMedia, int TtlMinutes);

/// <summary>Result of UpdateFax Status=canceled / DeleteFax.</summary>
public enum TwilioChangeOutcome
{
    Done,
    NotFound,

    /// <summary>The fax is on a line (or being fetched) and cannot change now.</summary>
    Busy,

    /// <summary>The fax is final (cancel) or still in progress (delete).</summary>
    WrongState,
}

/// <summary>
/// The outbound half of the Twilio face on the shared queue: CreateFax stores a <c>queued</c> Fax; the worker fetches
/// its MediaUrl (<c>processing</c>), stores it as an upload and submits one queue job (Origin Twilio, the same job and
/// fax records the FAX.PLUS face shows); then it follows the job's recorded state changes and sends one signed
/// StatusCallback per Twilio status change, each written in the same transaction as the status.
/// </summary>
public sealed partial class TwilioFaxService(
    ITwilioRepository twilio,
    INumberRepository numbers,
    IJobRepository jobs,
    IFaxRepository faxes,
    IFileRepository files,
    IFileContentStore store,
    JobService jobService,
    TwilioMediaFetcher fetcher,
    TwilioWorkSignal signal,
    CallbackSignal callbackSignal,
    IOptions<TwilioOptions> options,
    TimeProvider time,
    ILogger<TwilioFaxService> logger,
    IFaxDocumentRenderer? renderer = null)
{
    private readonly TwilioOptions _options = options.Value;

    /// <summary>The base used in callbacks' MediaUrl.</summary>
    public string? PublicBaseUrl => _options.PublicBaseUrl?.TrimEnd('/');

    /// <summary>The From number when CreateFax gives none: the account's first number, else FAX.PLUS's no_number.</summary>
    public async Task<string> DefaultFromAsync(string accountId, CancellationToken cancellationToken)
    {
        var visible = await numbers.ListVisibleAsync(accountId, cancellationToken).ConfigureAwait(false);
        return visible.Count > 0 ? visible[0].Number : JobService.NoNumber;
    }

    /// <summary>Whether <paramref name="number"/> (normalised) belongs to the account.</summary>
    public async Task<bool> OwnsNumberAsync(string accountId, string number, CancellationToken cancellationToken)
    {
        var visible = await numbers.ListVisibleAsync(accountId, cancellationToken).ConfigureAwait(false);
        return visible.Any(n => n.Number == number);
    }

    /// <summary>Stores a new outbound fax as <c>queued</c> (with its first callback) and wakes the worker.</summary>
    public async Task<TwilioFax> CreateAsync(TwilioAccount account, CreateFaxCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(command);
        var now = time.GetUtcNow();
        var fax = new TwilioFax
        {
            Sid = TwilioFax.NewFaxSid(),
            AccountId = account.AccountId,
            Direction = TwilioFaxDirection.Outbound,
            Status = TwilioFaxStatus.Queued,
            From = command.From,
            To = command.To,
            Quality = command.Quality,
            OriginalMediaUrl = command.MediaUrl,
            StatusCallback = command.StatusCallback,
            StoreMedia = command.StoreMedia,
            TtlMinutes = command.TtlMinutes,
            DateCreated = now,
            DateUpdated = now,
        };
        await twilio.AddFaxAsync(fax, Callbacks(fax, account, now, previous: null), cancellationToken).ConfigureAwait(false);
        callbackSignal.Signal.Pulse();
        signal.Pulse();
        return fax;
    }

    /// <summary>UpdateFax Status=canceled: only before transmission started.</summary>
    public async Task<(TwilioChangeOutcome Outcome, TwilioFax? Fax)> CancelAsync(TwilioAccount account, string sid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var fax = await twilio.GetFaxAsync(account.AccountId, sid, cancellationToken).ConfigureAwait(false);
        if (fax is null)
        {
            return (TwilioChangeOutcome.NotFound, null);
        }

        if (TwilioFaxStatus.IsFinal(fax.Status) || fax.Direction == TwilioFaxDirection.Inbound)
        {
            return (TwilioChangeOutcome.WrongState, fax);
        }

        if (fax.OutboxId is null)
        {
            // Not on the queue yet: only a queued fax (no download running) can be cancelled here.
            if (fax.Status != TwilioFaxStatus.Queued)
            {
                return (TwilioChangeOutcome.Busy, fax);
            }

            var now = time.GetUtcNow();
            var canceled = fax with { Status = TwilioFaxStatus.Canceled, DateUpdated = now };
            return await StoreAsync(canceled, fax.Status, Callbacks(canceled, account, now, fax.Status), cancellationToken).ConfigureAwait(false)
                ? (TwilioChangeOutcome.Done, canceled)
                : (TwilioChangeOutcome.Busy, fax);
        }

        var outcome = await jobService.CancelAsync(account.AccountId, fax.OutboxId, cancellationToken).ConfigureAwait(false);
        if (outcome == CancelOutcome.Busy)
        {
            return (TwilioChangeOutcome.Busy, fax);
        }

        if (outcome == CancelOutcome.NotFound)
        {
            return (TwilioChangeOutcome.WrongState, fax);
        }

        // The job is cancelled in the queue: record the status (and its callback) now rather than at the next poll.
        await AdvanceAsync(fax, account, cancellationToken).ConfigureAwait(false);
        return (TwilioChangeOutcome.Done, await twilio.GetFaxAsync(account.AccountId, sid, cancellationToken).ConfigureAwait(false) ?? fax);
    }

    /// <summary>DeleteFax: a final fax, its media and its FAX.PLUS history record.</summary>
    public async Task<TwilioChangeOutcome> DeleteAsync(TwilioAccount account, string sid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var fax = await twilio.GetFaxAsync(account.AccountId, sid, cancellationToken).ConfigureAwait(false);
        if (fax is null)
        {
            return TwilioChangeOutcome.NotFound;
        }

        if (!TwilioFaxStatus.IsFinal(fax.Status))
        {
            return TwilioChangeOutcome.WrongState;
        }

        if (!await twilio.DeleteFaxAsync(account.AccountId, sid, cancellationToken).ConfigureAwait(false))
        {
            return TwilioChangeOutcome.NotFound;
        }

        await DeleteFileAsync(account.AccountId, fax.MediaFileId, cancellationToken).ConfigureAwait(false);
        if (fax.FaxRecordId is not null)
        {
            var (_, recordFile) = await faxes.DeleteAsync(account.AccountId, fax.FaxRecordId, cancellationToken).ConfigureAwait(false);
            if (recordFile is not null)
            {
                store.Delete(recordFile.RelativePath);
            }
        }

        return TwilioChangeOutcome.Done;
    }

    /// <summary>DeleteFaxMedia: forgets and removes the stored media; the fax stays.</summary>
    public async Task<bool> DeleteMediaAsync(TwilioAccount account, string sid, string mediaSid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var fax = await twilio.GetFaxAsync(account.AccountId, sid, cancellationToken).ConfigureAwait(false);
            if (fax is null || fax.MediaSid != mediaSid)
            {
                return false;
            }

            var updated = fax with { MediaSid = null, MediaFileId = fax.JobId is not null && !TwilioFaxStatus.IsFinal(fax.Status) ? fax.MediaFileId : null, DateUpdated = time.GetUtcNow() };
            if (await twilio.UpdateFaxAsync(updated, fax.Status, [], cancellationToken).ConfigureAwait(false))
            {
                // A document still needed by the queue is left to the upload expiry; otherwise it goes now.
                if (updated.MediaFileId is null)
                {
                    await DeleteFileAsync(account.AccountId, fax.MediaFileId, cancellationToken).ConfigureAwait(false);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Opens the stored media of a fax for download.</summary>
    public async Task<(Stream Content, string ContentType)?> OpenMediaAsync(TwilioFax fax, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fax);
        if (fax.MediaSid is null || fax.MediaFileId is null)
        {
            return null;
        }

        var file = await files.GetAsync(fax.AccountId, fax.MediaFileId, cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return null;
        }

        // Received pages are stored as TIFF-F; <Receive mediaType="application/pdf"> serves them rendered.
        if (fax.MediaContentType == TwimlReceive.Pdf && file.ContentType == TwimlReceive.Tiff && renderer is not null)
        {
            var pdf = new MemoryStream();
            await renderer.WritePdfAsync(store.GetFullPath(file.RelativePath), pdf, cancellationToken).ConfigureAwait(false);
            pdf.Position = 0;
            return (pdf, TwimlReceive.Pdf);
        }

        return (store.OpenRead(file.RelativePath), file.ContentType);
    }

    /// <summary>One pass over the open outbound faxes: fetch and submit queued ones, report status changes of the others.</summary>
    public async Task<int> ProcessOpenAsync(CancellationToken cancellationToken)
    {
        var open = await twilio.ListOpenOutboundAsync(200, cancellationToken).ConfigureAwait(false);
        var accounts = new Dictionary<string, TwilioAccount?>(StringComparer.Ordinal);
        var changed = 0;
        foreach (var fax in open)
        {
            if (!accounts.TryGetValue(fax.AccountId, out var account))
            {
                account = await twilio.GetAccountAsync(fax.AccountId, cancellationToken).ConfigureAwait(false);
                accounts[fax.AccountId] = account;
            }

            if (account is null)
            {
                continue;
            }

            try
            {
                changed += fax.OutboxId is null
                    ? await SubmitAsync(fax, account, cancellationToken).ConfigureAwait(false)
                    : await AdvanceAsync(fax, account, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogProcessingFailed(logger, fax.Sid, ex);
            }
        }

        return changed;
    }

    /// <summary>Writes the numbers of the <c>Twilio:Numbers</c> configuration to storage (the CLI writes the same table).</summary>
    public async Task ApplyConfiguredNumbersAsync(CancellationToken cancellationToken)
    {
        foreach (var configured in _options.Numbers)
        {
            if (!PhoneNumbers.TryNormalize(configured.Number, out var number)
                || !TwilioUrls.TryParseMethod(configured.FaxMethod, out var faxMethod)
                || !TwilioUrls.TryParseMethod(configured.FallbackMethod, out var fallbackMethod))
            {
                continue;
            }

            await twilio.UpsertNumberAsync(new TwilioNumberConfig
            {
                Number = number,
                Routing = new TwilioNumberRouting(configured.FaxUrl, faxMethod, string.IsNullOrWhiteSpace(configured.FallbackUrl) ? null : configured.FallbackUrl, fallbackMethod),
                UpdatedAt = time.GetUtcNow(),
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Start-up recovery: a fax left <c>processing</c> without a queue link by a stopped daemon is linked to its job when
    /// the submit had happened (found by the Fax's idempotency key); otherwise it stays
    /// <c>processing</c> (its callback was sent) and the next pass goes on from the fetched upload, or fetches it again.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var fax in await twilio.ListOpenOutboundAsync(1000, cancellationToken).ConfigureAwait(false))
        {
            if (fax.OutboxId is not null || fax.Status != TwilioFaxStatus.Processing)
            {
                continue;
            }

            if (await FindSubmittedJobAsync(fax, cancellationToken).ConfigureAwait(false) is { } job)
            {
                await twilio.UpdateFaxAsync(Linked(fax, job), fax.Status, [], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The idempotency key a Fax's queue entry is submitted with: one entry per Fax, whatever restarts happen.</summary>
    private static string QueueKey(TwilioFax fax) => "twilio-" + fax.Sid;

    /// <summary>The queue job a fax was submitted as, when the link was not stored (a stop in between).</summary>
    private async Task<FaxJob?> FindSubmittedJobAsync(TwilioFax fax, CancellationToken cancellationToken)
    {
        var entry = await jobs.FindByIdempotencyKeyAsync(fax.AccountId, QueueKey(fax), cancellationToken).ConfigureAwait(false);
        return entry is null ? null : (await jobs.ListJobsAsync(entry.Id, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    private TwilioFax Linked(TwilioFax fax, FaxJob job) => fax with
    {
        JobId = job.Id,
        OutboxId = job.OutboxId,
        MediaSid = fax.StoreMedia ? fax.MediaSid ?? TwilioFax.NewMediaSid() : null,
        DateUpdated = time.GetUtcNow(),
    };

    private async Task<int> SubmitAsync(TwilioFax fax, TwilioAccount account, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        TwilioFax processing;
        if (fax.Status == TwilioFaxStatus.Queued)
        {
            processing = fax with { Status = TwilioFaxStatus.Processing, DateUpdated = now };
            if (!await StoreAsync(processing, fax.Status, Callbacks(processing, account, now, fax.Status), cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }
        else if (fax.Status == TwilioFaxStatus.Processing)
        {
            // Left processing off the queue by a stopped daemon (or a pass that failed): its processing callback went
            // out already, so it goes on from where it stopped without another one.
            if (await FindSubmittedJobAsync(fax, cancellationToken).ConfigureAwait(false) is { } submittedJob)
            {
                await twilio.UpdateFaxAsync(Linked(fax, submittedJob), fax.Status, [], cancellationToken).ConfigureAwait(false);
                return 1;
            }

            processing = fax;
        }
        else
        {
            return 0;
        }

        var fileId = processing.MediaFileId;
        try
        {
            var fetched = processing.MediaFileId is null
                ? await FetchAsync(processing, account, now, id => fileId = id, cancellationToken).ConfigureAwait(false)
                : processing;

            var submitted = await jobService.SubmitAsync(new SendRequest
            {
                AccountId = fax.AccountId,
                Origin = JobOrigin.Twilio,
                From = fax.From,
                To = [fax.To],
                FileIds = [fetched.MediaFileId!],
                FilePaths = [fax.OriginalMediaUrl!],
                Comment = "Twilio " + fax.Sid,
                Resolution = TwilioQuality.Resolution(fax.Quality),

                // One queue entry per Fax, whatever a restart in between did: a second submit gets the first.
                IdempotencyKey = QueueKey(fax),
                RequestHash = fax.Sid,
            }, cancellationToken).ConfigureAwait(false);
            await twilio.UpdateFaxAsync(Linked(fetched, submitted.Jobs[0]), processing.Status, [], cancellationToken).ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is TwilioMediaException or FaxRequestException)
        {
            var (code, message) = ex is TwilioMediaException m ? (m.ErrorCode, m.Message) : (TwilioErrorCodes.InvalidParameter, ex.Message);
            LogSubmitFailed(logger, fax.Sid, code, message);
            await DeleteFileAsync(fax.AccountId, fileId, cancellationToken).ConfigureAwait(false);

            var failedAt = time.GetUtcNow();
            var failed = processing with { Status = TwilioFaxStatus.Failed, ErrorCode = code, ErrorMessage = message, MediaFileId = null, DateUpdated = failedAt };
            await StoreAsync(failed, processing.Status, Callbacks(failed, account, failedAt, processing.Status), cancellationToken).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Fetches the MediaUrl into a stored upload and remembers it on the fax (before the submit: recovery finds the job by it).</summary>
    private async Task<TwilioFax> FetchAsync(TwilioFax processing, TwilioAccount account, DateTimeOffset now, Action<string> stored, CancellationToken cancellationToken)
    {
        var temporary = store.CreateTemporaryPath("part");
        FetchedMedia media;
        try
        {
            var download = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
            await using (download.ConfigureAwait(false))
            {
                media = await fetcher.FetchAsync(processing.OriginalMediaUrl!, account.Credentials, download, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        var fileId = FaxIds.NewLong();
        var (relativePath, size) = store.Commit(temporary, fileId, media.Extension.TrimStart('.'));
        stored(fileId);
        await files.AddAsync(new StoredFile
        {
            Id = fileId,
            AccountId = processing.AccountId,
            Kind = StoredFileKind.Upload,
            RelativePath = relativePath,
            ContentType = media.ContentType,
            OriginalName = Path.GetFileName(new Uri(processing.OriginalMediaUrl!).AbsolutePath),
            Size = size,
            CreatedAt = now,

            // StoreMedia keeps the document as the fax's media until DeleteFax; otherwise the upload expiry removes it.
            ExpiresAt = processing.StoreMedia ? null : now + TimeSpan.FromHours(24),
        }, cancellationToken).ConfigureAwait(false);

        // Remember the upload before submitting: recovery finds the job by it after a crash in between.
        var fetched = processing with { MediaFileId = fileId, MediaContentType = media.ContentType, DateUpdated = time.GetUtcNow() };
        await twilio.UpdateFaxAsync(fetched, processing.Status, [], cancellationToken).ConfigureAwait(false);
        return fetched;
    }

    /// <summary>Applies the job's recorded state changes not reported yet; returns 1 when the status changed.</summary>
    private async Task<int> AdvanceAsync(TwilioFax fax, TwilioAccount account, CancellationToken cancellationToken)
    {
        if (fax.JobId is null || fax.OutboxId is null)
        {
            return 0;
        }

        var job = await jobs.GetJobAsync(fax.JobId, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return 0;
        }

        // Ttl (minutes after creation to keep trying): a fax not on a line when it passes is taken off the queue.
        if (TtlPassed(fax, time.GetUtcNow()) && job.State is JobState.Submitted or JobState.Converting or JobState.Scheduled
            && await jobService.CancelAsync(fax.AccountId, fax.OutboxId, cancellationToken).ConfigureAwait(false) == CancelOutcome.Cancelled)
        {
            job = await jobs.GetJobAsync(fax.JobId, cancellationToken).ConfigureAwait(false) ?? job;
        }

        var changes = (await jobs.ListStateChangesAsync(fax.OutboxId, cancellationToken).ConfigureAwait(false))
            .Where(c => c.JobId == fax.JobId)
            .ToList();
        if (changes.Count <= fax.ReportedChanges && !JobService.IsFinal(job.State))
        {
            return 0;
        }

        // Walk the history from the last reported entry: each Twilio status change is one callback, in order.
        var current = fax;
        var callbacks = new List<Core.Model.CallbackDelivery>();
        var sentBefore = changes.Take(fax.ReportedChanges).Any(c => c.State == JobState.Sending);
        foreach (var change in changes.Skip(fax.ReportedChanges))
        {
            sentBefore |= change.State == JobState.Sending;
            if (JobService.IsFinal(change.State))
            {
                break;
            }

            var status = change.State == JobState.Scheduled && sentBefore ? TwilioFaxStatus.Sending : TwilioFaxStatus.ForJob(change.State, sentBefore ? 1 : 0, FailureKind.None);
            if (status != current.Status)
            {
                var previous = current.Status;
                current = current with { Status = status, DateUpdated = change.At };
                callbacks.AddRange(Callbacks(current, account, change.At, previous));
            }
        }

        if (JobService.IsFinal(job.State))
        {
            current = await FinalAsync(current, job, cancellationToken).ConfigureAwait(false);
            callbacks.AddRange(Callbacks(current, account, current.DateUpdated, "final"));
        }

        current = current with { ReportedChanges = changes.Count };
        if (current == fax)
        {
            return 0;
        }

        await StoreAsync(current, fax.Status, callbacks, cancellationToken).ConfigureAwait(false);
        if (TwilioFaxStatus.IsFinal(current.Status) && !current.StoreMedia && current.MediaFileId is not null)
        {
            // The document was only needed for the transmission.
            await DeleteFileAsync(current.AccountId, current.MediaFileId, cancellationToken).ConfigureAwait(false);
            await twilio.UpdateFaxAsync(current with { MediaFileId = null }, current.Status, [], cancellationToken).ConfigureAwait(false);
        }

        return current.Status != fax.Status ? 1 : 0;
    }

    private async Task<TwilioFax> FinalAsync(TwilioFax fax, FaxJob job, CancellationToken cancellationToken)
    {
        var record = await faxes.GetAsync(job.AccountId, job.SessionId, cancellationToken).ConfigureAwait(false);
        var failure = record?.Failure ?? job.LastFailure;
        // A job cancelled at or after the Ttl was taken off the queue by it: that is a failure, not a user's cancel.
        var expired = job.State == JobState.Cancelled && TtlPassed(fax, job.FinishedAt ?? time.GetUtcNow());
        var status = job.State switch
        {
            JobState.Sent => TwilioFaxStatus.Delivered,
            JobState.Cancelled when expired => TwilioFaxStatus.Failed,
            JobState.Cancelled => TwilioFaxStatus.Canceled,
            _ => TwilioFaxStatus.ForFailure(failure),
        };
        var pages = job.State == JobState.Sent ? job.PageCount : record?.Pages ?? job.PagesConfirmed;
        int? errorCode = job.State == JobState.Failed ? TwilioFaxStatus.ErrorCodeFor(failure == FailureKind.None ? FailureKind.ProtocolError : failure)
            : expired ? TwilioErrorCodes.TransmissionError
            : null;
        return fax with
        {
            Status = status,
            FaxRecordId = record?.Id ?? fax.FaxRecordId,
            NumPages = pages > 0 ? pages : null,
            DurationSeconds = record?.DurationSeconds,
            RemoteStationId = string.IsNullOrEmpty(job.RemoteIdent) ? record?.RemoteIdent : job.RemoteIdent,
            ErrorCode = errorCode,
            ErrorMessage = errorCode is null ? null
                : expired ? $"Ttl of {fax.TtlMinutes} minutes passed before the fax could be sent"
                : record?.Description ?? (job.LastFailureText.Length > 0 ? job.LastFailureText : failure.ToString()),
            DateUpdated = job.FinishedAt ?? time.GetUtcNow(),
        };
    }

    private async Task<bool> StoreAsync(TwilioFax fax, string expectedStatus, IReadOnlyList<CallbackDelivery> callbacks, CancellationToken cancellationToken)
    {
        var stored = await twilio.UpdateFaxAsync(fax, expectedStatus, callbacks, cancellationToken).ConfigureAwait(false);
        if (stored && callbacks.Count > 0)
        {
            callbackSignal.Signal.Pulse();
        }

        return stored;
    }

    /// <summary>The StatusCallback for a change to <paramref name="fax"/>'s status, per the configured mode.</summary>
    private IReadOnlyList<CallbackDelivery> Callbacks(TwilioFax fax, TwilioAccount account, DateTimeOffset at, string? previous)
    {
        if (previous == fax.Status)
        {
            return [];
        }

        if (_options.StatusCallbacks == TwilioStatusCallbackMode.QueuedAndFinal && fax.Status != TwilioFaxStatus.Queued && !TwilioFaxStatus.IsFinal(fax.Status))
        {
            return [];
        }

        return TwilioStatusCallbacks.Create(fax, account, PublicBaseUrl, at) is { } delivery ? [delivery] : [];
    }

    private static bool TtlPassed(TwilioFax fax, DateTimeOffset at) =>
        fax.TtlMinutes is { } ttl && at >= fax.DateCreated + TimeSpan.FromMinutes(ttl);

    private async Task DeleteFileAsync(string accountId, string? fileId, CancellationToken cancellationToken)
    {
        if (fileId is null)
        {
            return;
        }

        var file = await files.GetAsync(accountId, fileId, cancellationToken).ConfigureAwait(false);
        if (file is not null && await files.DeleteAsync(accountId, fileId, cancellationToken).ConfigureAwait(false))
        {
            store.Delete(file.RelativePath);
        }
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Twilio fax {FaxSid} not submitted ({ErrorCode}): {ErrorMessage}")]
    private static partial void LogSubmitFailed(ILogger logger, string faxSid, int errorCode, string errorMessage);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Error, Message = "Twilio fax {FaxSid}: processing failed")]
    private static partial void LogProcessingFailed(ILogger logger, string faxSid, Exception exception);
}

/// <summary>Wakes the Twilio outbound worker (a new fax, a cancel).</summary>
public sealed class TwilioWorkSignal
{
    private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Current => Volatile.Read(ref _pulse).Task;

    public void Pulse() => Interlocked.Exchange(ref _pulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
