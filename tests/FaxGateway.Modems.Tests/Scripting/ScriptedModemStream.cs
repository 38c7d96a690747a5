using System.Text;
using System.Threading.Channels;

namespace FaxGateway.Modems.Tests.Scripting;

/// <summary>
/// A duplex stream that plays a modem from a script of rows, like spandsp's t31_tests:
/// <c>Exchange("AT+FTH=3\r", "\r\nCONNECT\r\n")</c> means "when the DTE has written exactly this, answer that".
/// A write that does not match the next expected bytes fails the script (an IOException to the writer, and
/// <see cref="Failure"/> for the test); <see cref="Completed"/> finishes when every row has been played.
/// </summary>
internal sealed class ScriptedModemStream : Stream
{
    private readonly Queue<Row> _rows = new();
    private readonly List<byte> _written = [];
    private readonly Channel<byte[]> _toDte = Channel.CreateUnbounded<byte[]>();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private byte[]? _pending;
    private int _pendingOffset;

    public string? Failure { get; private set; }

    public Task Completed => _completed.Task;

    public int RowsLeft
    {
        get
        {
            lock (_lock)
            {
                return _rows.Count;
            }
        }
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>When the DTE has written <paramref name="expect"/>, the modem answers <paramref name="answer"/>.</summary>
    public ScriptedModemStream Exchange(string expect, string answer) => Exchange(Bytes(expect), Bytes(answer));

    public ScriptedModemStream Exchange(byte[] expect, byte[] answer)
    {
        lock (_lock)
        {
            _rows.Enqueue(new Row(expect, answer));
        }

        return this;
    }

    /// <summary>The modem sends <paramref name="answer"/> on its own as soon as the rows before it are done.</summary>
    public ScriptedModemStream Send(string answer) => Exchange([], Bytes(answer));

    public ScriptedModemStream Send(byte[] answer) => Exchange([], answer);

    /// <summary>The DTE writes <paramref name="expect"/> and the modem says nothing.</summary>
    public ScriptedModemStream Expect(string expect) => Exchange(Bytes(expect), []);

    public ScriptedModemStream Expect(byte[] expect) => Exchange(expect, []);

    /// <summary>Starts playing: rows that expect nothing are sent at once.</summary>
    public ScriptedModemStream Start()
    {
        lock (_lock)
        {
            Advance();
        }

        return this;
    }

    /// <summary>Sends <paramref name="answer"/> to the DTE now, outside the script.</summary>
    public void Inject(string answer) => _toDte.Writer.TryWrite(Bytes(answer));

    /// <summary>The port disappears: the DTE's read ends (USB unplug, pty peer closed).</summary>
    public void Unplug() => _toDte.Writer.TryComplete();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_lock)
        {
            if (Failure is not null)
            {
                throw new IOException("script failed: " + Failure);
            }

            _written.AddRange(buffer.ToArray());
            Advance();
            if (Failure is not null)
            {
                throw new IOException("script failed: " + Failure);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending is null)
        {
            try
            {
                _pending = await _toDte.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                _pendingOffset = 0;
            }
            catch (ChannelClosedException)
            {
                return 0;
            }
        }

        var n = Math.Min(buffer.Length, _pending.Length - _pendingOffset);
        _pending.AsMemory(_pendingOffset, n).CopyTo(buffer);
        _pendingOffset += n;
        if (_pendingOffset == _pending.Length)
        {
            _pending = null;
        }

        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _toDte.Writer.TryComplete();
        base.Dispose(disposing);
    }

    private void Advance()
    {
        while (_rows.Count > 0)
        {
            var row = _rows.Peek();
            var have = _written.Count;
            var need = row.Expect.Length;
            var compare = Math.Min(have, need);
            for (var i = 0; i < compare; i++)
            {
                if (_written[i] != row.Expect[i])
                {
                    Failure = $"expected {Show(row.Expect)} but the DTE wrote {Show([.. _written])}";
                    _completed.TrySetException(new InvalidOperationException(Failure));
                    return;
                }
            }

            if (have < need)
            {
                return;
            }

            _written.RemoveRange(0, need);
            _rows.Dequeue();
            if (row.Answer.Length > 0)
            {
                _toDte.Writer.TryWrite(row.Answer);
            }
        }

        if (_written.Count > 0)
        {
            Failure = $"the DTE wrote {Show([.. _written])} after the end of the script";
            _completed.TrySetException(new InvalidOperationException(Failure));
            return;
        }

        _completed.TrySetResult();
    }

    private static string Show(byte[] bytes)
    {
        var sb = new StringBuilder("\"");
        foreach (var b in bytes.Take(200))
        {
            sb.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"<{b:X2}>");
        }

        return sb.Append(bytes.Length > 200 ? "...\"" : "\"").ToString();
    }

    private sealed record Row(byte[] Expect, byte[] Answer);
}
