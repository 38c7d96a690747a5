namespace FaxGateway.Core.Jobs;

/// <summary>
/// Wakes every waiter when the queue changed (a job was submitted, converted or rescheduled) so line
/// workers claim at once instead of at the next poll. Waiting also ends at a deadline on the injected clock.
/// </summary>
public sealed class QueueSignal
{
    private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes all current waiters.</summary>
    public void Pulse() => Interlocked.Exchange(ref _pulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>The task current waiters complete on; take it before checking the queue to miss no pulse.</summary>
    public Task Current => Volatile.Read(ref _pulse).Task;

    /// <summary>Waits for <paramref name="pulse"/> or <paramref name="timeout"/> on <paramref name="time"/>.</summary>
    public static async Task WaitAsync(Task pulse, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, delayCts.Token);
        await Task.WhenAny(pulse, delay).ConfigureAwait(false);
        await delayCts.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
