using System.Threading.Channels;

namespace FaxGateway.Simulator.Line;

/// <summary>
/// One direction of a call's audio path: what a modem puts on the line reaches the far modem's demodulator
/// a fixed latency later (exchange, codec and DSP delays), in the order it was sent. Without it a reply could
/// start in the same instant the far end's carrier dropped, which no real line does.
/// </summary>
internal sealed class DelayLine
{
    private readonly Channel<(DateTimeOffset Due, Action Deliver)> _queue = Channel.CreateUnbounded<(DateTimeOffset, Action)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeProvider _time;
    private readonly TimeSpan _latency;

    public DelayLine(TimeProvider time, TimeSpan latency, CancellationToken shutdown)
    {
        _time = time;
        _latency = latency;
        if (latency > TimeSpan.Zero)
        {
            _ = PumpAsync(shutdown);
        }
    }

    public void Post(Action deliver)
    {
        if (_latency <= TimeSpan.Zero || !_queue.Writer.TryWrite((_time.GetUtcNow() + _latency, deliver)))
        {
            deliver();
        }
    }

    /// <summary>Delivers what is in flight, then stops.</summary>
    public void Close() => _queue.Writer.TryComplete();

    private async Task PumpAsync(CancellationToken shutdown)
    {
        try
        {
            await foreach (var (due, deliver) in _queue.Reader.ReadAllAsync(shutdown).ConfigureAwait(false))
            {
                var wait = due - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, shutdown).ConfigureAwait(false);
                }

                deliver();
            }
        }
        catch (OperationCanceledException)
        {
            // The exchange shut down: nothing more to deliver.
        }
    }
}
