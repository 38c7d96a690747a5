namespace FaxGateway.Simulator.Modem;

/// <summary>
/// An auto-reset wake-up for the modem's single loop: the DTE reader, the far end's carriers, ringing and
/// hang-ups all set it; the loop re-checks its queues after every wake-up, so a set while nobody waits is kept.
/// </summary>
internal sealed class WakeSignal
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _waiter;
    private bool _set;

    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            waiter = _waiter;
            _waiter = null;
            if (waiter is null)
            {
                _set = true;
            }
        }

        waiter?.TrySetResult();
    }

    public Task WaitAsync()
    {
        lock (_lock)
        {
            if (_set)
            {
                _set = false;
                return Task.CompletedTask;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task;
        }
    }
}
