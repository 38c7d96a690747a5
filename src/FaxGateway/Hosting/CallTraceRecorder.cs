using System.Globalization;
using System.Text;

namespace FaxGateway.Hosting;

/// <summary>
/// The logger a modem line's call API writes to: everything goes on to the daemon's log as configured, and
/// while a call is recorded every event (T.30 frames and states, AT commands, at Debug level too) is also
/// kept, with its time, for the call's trace.
/// </summary>
internal sealed class CallTraceRecorder(ILogger inner, TimeProvider time) : ILogger
{
    /// <summary>A trace is capped so a wedged modem cannot fill the disk.</summary>
    private const int MaxTraceChars = 1 << 20;

    private readonly Lock _lock = new();
    private StringBuilder? _trace;

    /// <summary>Starts keeping events; <see cref="End"/> returns them.</summary>
    public void Begin(string title)
    {
        lock (_lock)
        {
            _trace = new StringBuilder().Append(CultureInfo.InvariantCulture, $"# {title}\n");
        }
    }

    public string End()
    {
        lock (_lock)
        {
            var text = _trace?.ToString() ?? string.Empty;
            _trace = null;
            return text;
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _trace is not null || inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (inner.IsEnabled(logLevel))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }

        lock (_lock)
        {
            if (_trace is not null && _trace.Length < MaxTraceChars)
            {
                _trace.Append(time.GetUtcNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture))
                    .Append(' ').Append(formatter(state, exception));
                if (exception is not null)
                {
                    _trace.Append(" (").Append(exception.Message).Append(')');
                }

                _trace.Append('\n');
            }
        }
    }
}
