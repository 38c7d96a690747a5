namespace FaxGateway.Tests;

/// <summary>
/// Waits for a condition of a process outside the test's control (a child daemon, an HTTP endpoint), checking
/// it on a periodic timer until it holds or the token's deadline passes. No fixed sleeps: the wait ends as soon
/// as the condition is true.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, CancellationToken cancellationToken)
        where T : class
    {
        using var timer = new PeriodicTimer(Poll);
        do
        {
            if (await probe() is { } value)
            {
                return value;
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));

        throw new OperationCanceledException(cancellationToken);
    }

    public static Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken) =>
        WaitForAsync<object>(async () => await condition() ? new object() : null, cancellationToken);
}
