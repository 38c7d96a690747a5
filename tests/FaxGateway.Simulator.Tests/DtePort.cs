using System.Text;

namespace FaxGateway.Simulator.Tests;

/// <summary>The test's side of a modem port: write AT commands, wait for expected text, with generous timeouts.</summary>
internal sealed class DtePort : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly Stream _stream;
    private readonly List<byte> _received = [];
    private int _consumed;

    public DtePort(Stream stream) => _stream = stream;

    public Stream Stream => _stream;

    /// <summary>Everything received and not yet consumed by an Expect.</summary>
    public string Pending => Encoding.Latin1.GetString([.. _received.Skip(_consumed)]);

    public Task SendAsync(string text) => _stream.WriteAsync(Encoding.Latin1.GetBytes(text)).AsTask();

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data).AsTask();

    /// <summary>Reads until <paramref name="text"/> has arrived; returns what came before it and consumes through it.</summary>
    public async Task<string> ExpectAsync(string text)
    {
        var bytes = await ExpectAsync(Encoding.Latin1.GetBytes(text)).ConfigureAwait(false);
        return Encoding.Latin1.GetString(bytes);
    }

    public async Task<byte[]> ExpectAsync(byte[] pattern)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[8192];
        while (true)
        {
            var at = IndexOf(pattern);
            if (at >= 0)
            {
                var before = _received.GetRange(_consumed, at - _consumed).ToArray();
                _consumed = at + pattern.Length;
                return before;
            }

            int n;
            try
            {
                n = await _stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {Encoding.Latin1.GetString(pattern).ReplaceLineEndings("\\n")} but got: {Pending.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}");
            }

            if (n == 0)
            {
                throw new EndOfStreamException("Port closed while expecting " + Encoding.Latin1.GetString(pattern) + "; got: " + Pending);
            }

            _received.AddRange(buffer.AsSpan(0, n));
        }
    }

    /// <summary>Sends a command (CR added) and expects the final result, returning the text in between.</summary>
    public async Task<string> CommandAsync(string command, string final = "OK")
    {
        await SendAsync(command + "\r").ConfigureAwait(false);
        return await ExpectAsync("\r\n" + final + "\r\n").ConfigureAwait(false);
    }

    private int IndexOf(byte[] pattern)
    {
        for (var i = _consumed; i + pattern.Length <= _received.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length; j++)
            {
                if (_received[i + j] != pattern[j])
                {
                    match = false;
                    break;
                }
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync().ConfigureAwait(false);
}
