using FaxGateway.Core.Events;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Imaging;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Core.Inbound;

/// <summary>
/// Handles one incoming call on a line: routes it, receives it, then commits the file, the inbox record and its
/// callbacks (fax_received) in one transaction. Every page is in the receive spool before the sender gets its MCF,
/// and the spool goes only after the commit: a daemon stopped in between recovers the call at its next start
/// (<see cref="RecoverSpooledAsync"/>), as the same record.
/// </summary>
public sealed partial class InboundService(
    InboundRouter router,
    IFaxRepository faxes,
    IFileContentStore store,
    IReceiveSpool spool,
    FaxEventPublisher events,
    TimeProvider time,
    ILogger<InboundService> logger,
    IEnumerable<IInboundCallObserver>? observers = null)
{
    private readonly IInboundCallObserver[] _observers = [.. observers ?? []];

    /// <summary>Returns the call's failure kind (for line health), or null when the call was rejected.</summary>
    public async Task<FaxReceiveResult?> HandleAsync(IFaxLine line, FaxLineDescriptor descriptor, IncomingCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(call);
        var decision = await router.RouteAsync(call, descriptor, cancellationToken).ConfigureAwait(false);
        if (decision is InboundDecision.Reject reject)
        {
            LogRejected(logger, descriptor.LineId, reject.Reason);
            await line.RejectAsync(call, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var answer = (InboundDecision.Answer)decision;
        var spooled = new SpooledCall
        {
            SessionId = FaxIds.NewShort(),
            FaxId = FaxIds.NewShort(),
            FileId = FaxIds.NewLong(),
            AccountId = answer.AccountId,
            LocalNumber = answer.LocalNumber,
            Origin = answer.Origin,
            Tag = answer.Tag,
            LineId = descriptor.LineId,
            CallerNumber = call.CallerNumber,
            AnsweredAt = time.GetUtcNow(),
        };
        var temporary = store.CreateTemporaryPath("tif");
        FaxReceiveResult result;
        try
        {
            // Inside the try: a spool that cannot be written (disk full) ends the call like any failure, observers told.
            var pageDirectory = spool.Begin(spooled);
            var target = new ReceiveTarget { SessionId = spooled.SessionId, TiffPath = temporary, LocalIdent = answer.LocalNumber, PageDirectory = pageDirectory };
            result = await line.ReceiveAsync(call, target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            File.Delete(temporary);

            // Stopping or failing mid-call: the pages already confirmed to the sender are committed now; if even that
            // fails they stay in the spool for the next start.
            await CommitInterruptedAsync(answer, call, spooled, e.Message).ConfigureAwait(false);
            throw;
        }

        var spooledPages = spool.PageFiles(spooled.SessionId);
        var pages = result.PagesReceived;
        if (pages <= 0 || !File.Exists(temporary))
        {
            File.Delete(temporary);
            pages = spooledPages.Count;
            if (pages > 0)
            {
                // The line kept pages it did not hand back as a file (it failed after confirming them): they count.
                AssemblePages(spooledPages, temporary);
            }
        }

        if (pages <= 0)
        {
            spool.Remove(spooled.SessionId);
            LogNothingReceived(logger, descriptor.LineId, result.Failure, result.HangupReason);
            await NotifyAsync(answer, call, result, null, cancellationToken).ConfigureAwait(false);
            return result;
        }

        var end = result with { PagesReceived = pages };
        spool.End(spooled.SessionId, end);
        var record = await CommitAsync(spooled, end, temporary, CancellationToken.None).ConfigureAwait(false);
        spool.Remove(spooled.SessionId);
        LogReceived(logger, record.Id, descriptor.LineId, pages);
        await NotifyAsync(answer, call, end, record, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// At start, before any line answers: commits the calls a stopped daemon left in the receive spool. A call that had
    /// ended keeps its outcome; one cut off mid-call becomes a partially received fax of the pages confirmed before the
    /// stop (the sender was told we have them). A call already committed is only cleaned up. Returns how many were added.
    /// </summary>
    public async Task<int> RecoverSpooledAsync(CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var leftover in spool.ListLeftovers((folder, e) => LogSpoolUnreadable(logger, folder, e)))
        {
            try
            {
                if (await RecoverAsync(leftover, "daemon stopped during the call", cancellationToken).ConfigureAwait(false) is not null)
                {
                    added++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One bad leftover must not stop the daemon; it stays in the spool, reported, for the next start.
                LogRecoveryFailed(logger, leftover.Call.SessionId, e);
            }
        }

        return added;
    }

    private async Task CommitInterruptedAsync(InboundDecision.Answer answer, IncomingCall call, SpooledCall spooled, string reason)
    {
        FaxRecord? record = null;
        try
        {
            var pages = spool.PageFiles(spooled.SessionId);
            record = await RecoverAsync(new SpooledCallLeftover(spooled, null, pages, pages.Count > 0 ? time.GetUtcNow() : null), "call interrupted: " + reason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRecoveryFailed(logger, spooled.SessionId, e);
        }

        // Observers (the Twilio face) learn that the call ended, so nothing waits for it; their failure must not
        // hide the call's own exception, which the caller rethrows.
        var now = time.GetUtcNow();
        var result = new FaxReceiveResult
        {
            Failure = FailureKind.Interrupted,
            PagesReceived = record?.Pages ?? 0,
            HangupReason = "call interrupted: " + reason,
            StartedAt = spooled.AnsweredAt,
            Duration = now - spooled.AnsweredAt,
        };
        try
        {
            await NotifyAsync(answer, call, result, record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogObserverFailed(logger, spooled.SessionId, e);
        }
    }

    /// <summary>Commits a leftover call; null when there was nothing to add (already committed, or no page kept).</summary>
    private async Task<FaxRecord?> RecoverAsync(SpooledCallLeftover leftover, string reason, CancellationToken cancellationToken)
    {
        var spooled = leftover.Call;
        if (await faxes.GetAsync(spooled.AccountId, spooled.FaxId, cancellationToken).ConfigureAwait(false) is not null)
        {
            // Committed just before the stop; only its spool folder was left.
            spool.Remove(spooled.SessionId);
            return null;
        }

        if (leftover.PageFiles.Count == 0)
        {
            spool.Remove(spooled.SessionId);
            LogNothingReceived(logger, spooled.LineId, FailureKind.Interrupted, reason);
            return null;
        }

        var end = leftover.End ?? new FaxReceiveResult
        {
            Failure = FailureKind.Interrupted,
            PagesReceived = leftover.PageFiles.Count,
            HangupReason = reason + "; the pages confirmed to the sender before it were kept",
            StartedAt = spooled.AnsweredAt,
            Duration = (leftover.LastPageAt ?? spooled.AnsweredAt) - spooled.AnsweredAt,
        };
        var temporary = store.CreateTemporaryPath("tif");
        var pages = AssemblePages(leftover.PageFiles, temporary);
        var record = await CommitAsync(spooled, end with { PagesReceived = pages }, temporary, cancellationToken).ConfigureAwait(false);
        spool.Remove(spooled.SessionId);
        LogRecovered(logger, record.Id, spooled.LineId, pages);
        return record;
    }

    /// <summary>Joins one-page spool files into one TIFF-F document; returns its page count.</summary>
    private int AssemblePages(IReadOnlyList<string> pageFiles, string output)
    {
        var rasters = new List<PageRaster>(pageFiles.Count);
        foreach (var file in pageFiles)
        {
            try
            {
                rasters.AddRange(TiffFax.Read(file).Select(p => p.Raster));
            }
            catch (Exception e) when (e is FaxCodingException or IOException or InvalidDataException)
            {
                // Written whole then renamed, so this is damage from outside (disk, an admin's hand): say which page.
                LogSpoolUnreadable(logger, file, e);
            }
        }

        if (rasters.Count == 0)
        {
            throw new InvalidDataException($"None of the {pageFiles.Count} spooled page(s) could be read.");
        }

        TiffFax.Write(output, rasters, FaxCodingOptions.Mmr);
        return rasters.Count;
    }

    private async Task<FaxRecord> CommitAsync(SpooledCall spooled, FaxReceiveResult end, string temporary, CancellationToken cancellationToken)
    {
        var (relativePath, size) = store.Commit(temporary, spooled.FileId, "tif");
        var now = time.GetUtcNow();
        var from = spooled.CallerNumber.Length > 0 ? spooled.CallerNumber : end.RemoteIdent;
        var file = new StoredFile
        {
            Id = spooled.FileId,
            AccountId = spooled.AccountId,
            Kind = StoredFileKind.FaxPages,
            RelativePath = relativePath,
            ContentType = "image/tiff",
            OriginalName = $"fax-from-{from.TrimStart('+')}.tif",
            Size = size,
            PageCount = end.PagesReceived,
            CreatedAt = now,
        };
        var record = new FaxRecord
        {
            Id = spooled.FaxId,
            AccountId = spooled.AccountId,
            Direction = FaxDirection.Incoming,
            Status = FaxStatuses.ForIncoming(end.Failure, end.PagesReceived),
            Description = end.Failure == FailureKind.None ? "OK" : $"{end.Failure}: {end.HangupReason}",
            Failure = end.Failure,
            From = from,
            To = spooled.LocalNumber,
            Pages = end.PagesReceived,
            FileId = spooled.FileId,
            FileName = "fax-from-" + from.TrimStart('+'),
            StartTime = end.StartedAt,
            DurationSeconds = (int)Math.Round(end.Duration.TotalSeconds),
            SessionId = spooled.SessionId,
            HookId = spooled.SessionId,
            LineId = spooled.LineId,
            RemoteIdent = end.RemoteIdent,
            LastUpdate = now,
        };
        try
        {
            var callbacks = await events.CreateCallbacksAsync(new FaxEvent
            {
                Kind = FaxEventKind.Received,
                Fax = record,
                LocalNumber = spooled.LocalNumber,
                Inbound = new InboundDecision.Answer(spooled.AccountId, spooled.LocalNumber, spooled.Origin, spooled.Tag),
                At = now,
            }, cancellationToken).ConfigureAwait(false);
            await faxes.AddReceivedAsync(record, file, callbacks, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            store.Delete(relativePath);
            throw;
        }

        return record;
    }

    private async Task NotifyAsync(InboundDecision.Answer answer, IncomingCall call, FaxReceiveResult result, FaxRecord? record, CancellationToken cancellationToken)
    {
        foreach (var observer in _observers)
        {
            await observer.OnCallEndedAsync(answer, call, result, record, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Fax {FaxId} received on line {LineId}: {Pages} pages")]
    private static partial void LogReceived(ILogger logger, string faxId, string lineId, int pages);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Call on line {LineId} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string lineId, string reason);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Fax {FaxId} recovered from the receive spool of line {LineId}: {Pages} pages confirmed to the sender before the daemon stopped")]
    private static partial void LogRecovered(ILogger logger, string faxId, string lineId, int pages);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Error, Message = "Receive spool entry {Path} is unreadable; it is left in place for the admin")]
    private static partial void LogSpoolUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2306, Level = LogLevel.Error, Message = "Received call {SessionId} could not be committed from the receive spool; it stays there for the next start")]
    private static partial void LogRecoveryFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 2307, Level = LogLevel.Warning, Message = "An inbound call observer failed after call {SessionId} was interrupted")]
    private static partial void LogObserverFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Call on line {LineId} ended without pages ({Failure}): {Reason}")]
    private static partial void LogNothingReceived(ILogger logger, string lineId, FailureKind failure, string reason);
}
