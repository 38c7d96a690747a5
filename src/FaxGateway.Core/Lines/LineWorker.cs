using FaxGateway.Core.Inbound;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Core.Lines;

/// <summary>Everything a line worker needs besides its line.</summary>
public sealed record LineWorkerContext(
    IJobRepository Jobs,
    IFileRepository Files,
    IFileContentStore Store,
    JobService JobService,
    InboundService Inbound,
    ILineRepository Lines,
    QueueSignal Signal,
    QueueOptions Queue,
    LineOptions LineOptions,
    TimeProvider Time,
    ILogger Logger);

/// <summary>
/// Runs one line: claims the most urgent due job it may send (the claim is the scheduler: priority, send
/// time, per-destination limit, atomic in storage), otherwise waits for an incoming call, a queue change
/// or the next due time. One call at a time. A line that fails several calls in a row goes out of
/// service and is probed until it answers again.
/// </summary>
public sealed partial class LineWorker(IFaxLine line, FaxLineDescriptor descriptor, LineWorkerContext context)
{
    private readonly LineHealthTracker _health = new(descriptor.LineId, context.Lines, context.LineOptions.MaxConsecutiveFailures, context.Time);

    public string LineId => descriptor.LineId;
    public LineHealthState Health => _health.State;

    /// <summary>While a call rings in, how often the worker looks again whether it still rings (it may hang up before we answer).</summary>
    public static readonly TimeSpan RingingRecheck = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StepAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A broken modem or storage hiccup: count it against the line and carry on; jobs are safe in storage.
                LogLineError(context.Logger, LineId, e);
                await _health.RecordCallAsync(FailureKind.LineFault, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One turn of the line: probe it when out of service; otherwise send the most urgent due job, unless a call is
    /// ringing in (never dial over a ringing line); otherwise wait for a call, a queue change or the next due time.
    /// </summary>
    public async Task StepAsync(CancellationToken cancellationToken)
    {
        if (_health.State == LineHealthState.OutOfService)
        {
            await ProbeAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var pulse = context.Signal.Current;
        if (descriptor.CanSend && !line.IsRinging && await TrySendNextAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await IdleAsync(pulse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Claims and sends one job; false when none is due for this line.</summary>
    public async Task<bool> TrySendNextAsync(CancellationToken cancellationToken)
    {
        var claim = new JobClaim(LineId, FaxIds.NewShort(), context.Time.GetUtcNow(), context.Queue.MaxConcurrentPerDestination,
            PhoneNumbers.TryNormalize(descriptor.Number, out var own) ? own : null);
        var job = await context.Jobs.ClaimNextAsync(claim, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return false;
        }

        await SendAsync(job, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task SendAsync(FaxJob job, CancellationToken cancellationToken)
    {
        var document = job.DocumentFileId is { } fileId ? await context.Files.GetAsync(job.AccountId, fileId, CancellationToken.None).ConfigureAwait(false) : null;
        var now = context.Time.GetUtcNow();
        if (document is null || job.PageCount <= 0)
        {
            var missing = new AttemptRecord { Failure = FailureKind.Internal, FailureText = "the converted document is missing", At = now };
            await context.JobService.FailOrRetryAsync(job, missing, now, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var fax = new OutboundFax
        {
            JobId = job.Id,
            SessionId = job.SessionId,
            Destination = job.Destination,
            LocalIdent = job.From == JobService.NoNumber ? descriptor.Number : job.From,
            TiffPath = context.Store.GetFullPath(document.RelativePath),
            PageCount = job.PageCount,
            FirstPage = context.JobService.FirstPageFor(job),
        };
        LogDialling(context.Logger, LineId, job.Id, job.Attempts);
        if (fax.FirstPage > 1)
        {
            LogResuming(context.Logger, job.Id, fax.FirstPage, fax.PageCount);
        }

        FaxSendResult result;
        using var callLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        callLimit.CancelAfter(context.LineOptions.MaxCallDuration);
        try
        {
            result = await line.SendAsync(fax, callLimit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-call: the outcome is unknown, so the job is retried, never reported sent.
            var interrupted = new AttemptRecord { Failure = FailureKind.Interrupted, FailureText = "daemon stopping during the call", At = context.Time.GetUtcNow() };
            await context.JobService.FailOrRetryAsync(job, interrupted, now, context.Time.GetUtcNow() - now, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception e)
        {
            LogLineError(context.Logger, LineId, e);
            result = new FaxSendResult
            {
                Failure = FailureKind.LineFault,
                Pages = [],
                HangupReason = e is OperationCanceledException ? "call exceeded the maximum duration" : e.Message,
                StartedAt = now,
                Duration = context.Time.GetUtcNow() - now,
            };
        }

        await _health.RecordCallAsync(result.AllPagesConfirmed(fax.PageCount, fax.FirstPage) ? FailureKind.None : EffectiveFailure(result), CancellationToken.None).ConfigureAwait(false);
        await context.JobService.RecordAttemptAsync(job, result, CancellationToken.None).ConfigureAwait(false);
    }

    private static FailureKind EffectiveFailure(FaxSendResult result) =>
        result.Failure != FailureKind.None ? result.Failure : result.PagesConfirmed > 0 ? FailureKind.PartialPages : FailureKind.ProtocolError;

    private async Task IdleAsync(Task pulse, CancellationToken cancellationToken)
    {
        var wait = context.Queue.PollInterval;
        if (descriptor.CanSend && await context.Jobs.NextDueAsync(cancellationToken).ConfigureAwait(false) is { } due)
        {
            var untilDue = due - context.Time.GetUtcNow();
            wait = untilDue < wait ? (untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue) : wait;
        }

        if (!descriptor.CanReceive)
        {
            await QueueSignal.WaitAsync(pulse, wait, context.Time, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var callTask = line.WaitForCallAsync(idle.Token);

        // A ringing line waits for its call whatever the queue does; the recheck only notices a caller who gave up.
        var wakeTask = line.IsRinging
            ? Task.Delay(RingingRecheck, context.Time, idle.Token)
            : QueueSignal.WaitAsync(pulse, wait, context.Time, idle.Token);
        await Task.WhenAny(callTask, wakeTask).ConfigureAwait(false);
        await idle.CancelAsync().ConfigureAwait(false);
        try
        {
            await wakeTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected: the wait was only a timer.
        }

        IncomingCall call;
        try
        {
            call = await callTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return;
        }

        // A call that arrived while the wait was being cancelled is still answered.
        var result = await context.Inbound.HandleAsync(line, descriptor, call, cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            await _health.RecordCallAsync(result.Failure is FailureKind.LineFault or FailureKind.NoCarrier ? result.Failure : FailureKind.None, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(context.LineOptions.ProbeInterval, context.Time, cancellationToken).ConfigureAwait(false);
        bool ok;
        try
        {
            ok = await line.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLineError(context.Logger, LineId, e);
            ok = false;
        }

        if (ok)
        {
            await _health.RestoreAsync(CancellationToken.None).ConfigureAwait(false);
            LogBackInService(context.Logger, LineId);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Line {LineId} dialling for job {JobId} (attempt {Attempt})")]
    private static partial void LogDialling(ILogger logger, string lineId, string jobId, int attempt);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Job {JobId} resumes at page {FirstPage} of {Pages}: the pages before it were confirmed in earlier calls")]
    private static partial void LogResuming(ILogger logger, string jobId, int firstPage, int pages);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Line {LineId} error")]
    private static partial void LogLineError(ILogger logger, string lineId, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Line {LineId} answered its probe: back in service")]
    private static partial void LogBackInService(ILogger logger, string lineId);
}
