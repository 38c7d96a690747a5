using FaxGateway.Core.Events;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Core.Inbound;

/// <summary>
/// Handles one incoming call on a line: routes it, receives into a temporary file, then commits the
/// file, the inbox record and its callbacks (fax_received) in one transaction.
/// </summary>
public sealed partial class InboundService(
    InboundRouter router,
    IFaxRepository faxes,
    IFileContentStore store,
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
        ArgumentNullException.ThrowIfNull(call);
        var decision = await router.RouteAsync(call, descriptor, cancellationToken).ConfigureAwait(false);
        if (decision is InboundDecision.Reject reject)
        {
            LogRejected(logger, descriptor.LineId, reject.Reason);
            await line.RejectAsync(call, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var answer = (InboundDecision.Answer)decision;
        var sessionId = FaxIds.NewShort();
        var temporary = store.CreateTemporaryPath("tif");
        FaxReceiveResult result;
        try
        {
            result = await line.ReceiveAsync(call, new ReceiveTarget { SessionId = sessionId, TiffPath = temporary, LocalIdent = answer.LocalNumber }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        if (result.PagesReceived <= 0 || !File.Exists(temporary))
        {
            File.Delete(temporary);
            LogNothingReceived(logger, descriptor.LineId, result.Failure, result.HangupReason);
            await NotifyAsync(answer, call, result, null, cancellationToken).ConfigureAwait(false);
            return result;
        }

        var fileId = FaxIds.NewLong();
        var (relativePath, size) = store.Commit(temporary, fileId, "tif");
        var now = time.GetUtcNow();
        var file = new StoredFile
        {
            Id = fileId,
            AccountId = answer.AccountId,
            Kind = StoredFileKind.FaxPages,
            RelativePath = relativePath,
            ContentType = "image/tiff",
            OriginalName = $"fax-from-{call.CallerNumber.TrimStart('+')}.tif",
            Size = size,
            PageCount = result.PagesReceived,
            CreatedAt = now,
        };
        var from = call.CallerNumber.Length > 0 ? call.CallerNumber : result.RemoteIdent;
        var record = new FaxRecord
        {
            Id = FaxIds.NewShort(),
            AccountId = answer.AccountId,
            Direction = FaxDirection.Incoming,
            Status = FaxStatuses.ForIncoming(result.Failure, result.PagesReceived),
            Description = result.Failure == FailureKind.None ? "OK" : $"{result.Failure}: {result.HangupReason}",
            Failure = result.Failure,
            From = from,
            To = answer.LocalNumber,
            Pages = result.PagesReceived,
            FileId = fileId,
            FileName = "fax-from-" + from.TrimStart('+'),
            StartTime = result.StartedAt,
            DurationSeconds = (int)Math.Round(result.Duration.TotalSeconds),
            SessionId = sessionId,
            HookId = sessionId,
            LineId = descriptor.LineId,
            RemoteIdent = result.RemoteIdent,
            LastUpdate = now,
        };
        try
        {
            var callbacks = await events.CreateCallbacksAsync(new FaxEvent
            {
                Kind = FaxEventKind.Received,
                Fax = record,
                LocalNumber = answer.LocalNumber,
                Inbound = answer,
                At = now,
            }, cancellationToken).ConfigureAwait(false);
            await faxes.AddReceivedAsync(record, file, callbacks, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            store.Delete(relativePath);
            throw;
        }

        LogReceived(logger, record.Id, descriptor.LineId, result.PagesReceived);
        await NotifyAsync(answer, call, result, record, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task NotifyAsync(InboundDecision.Answer answer, IncomingCall call, FaxReceiveResult result, FaxRecord? record, CancellationToken cancellationToken)
    {
        foreach (var observer in _observers)
        {
            await observer.OnCallEndedAsync(answer, call, result, record, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Fax {FaxId} received on line {LineId}: {Pages} pages")]
    private static partial void LogReceived(ILogger logger, string faxId, string lineId, int pages);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Call on line {LineId} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string lineId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Call on line {LineId} ended without pages ({Failure}): {Reason}")]
    private static partial void LogNothingReceived(ILogger logger, string lineId, FailureKind failure, string reason);
}
