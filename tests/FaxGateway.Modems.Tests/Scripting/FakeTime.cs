using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Modems.Tests.Scripting;

internal static class FakeTime
{
    /// <summary>
    /// Advances fake time in steps until <paramref name="task"/> finishes: for paths where the modem stays silent
    /// and only timeouts move things on. Bounded, so a bug fails the test instead of hanging it.
    /// </summary>
    public static async Task<T> RunAsync<T>(this FakeTimeProvider time, Task<T> task, TimeSpan step)
    {
        for (var i = 0; i < 20000 && !task.IsCompleted; i++)
        {
            time.Advance(step);
            await Task.Yield();
            if (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Run(static () => { }));
            }
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public static async Task RunAsync(this FakeTimeProvider time, Task task, TimeSpan step) =>
        await time.RunAsync(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default), step);
}
