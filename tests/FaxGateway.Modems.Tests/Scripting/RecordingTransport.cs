using System.Text;
using FaxGateway.Modems.Transport;

namespace FaxGateway.Modems.Tests.Scripting;

/// <summary>
/// Wraps a real transport and writes what passes in the hardware/transcripts format: one "&gt; " line per DTE write,
/// one "&lt; " line for everything the modem sent until the next write. Used to capture real sessions.
/// </summary>
internal sealed class RecordingTransport(IModemTransport inner, string header) : IModemTransport
{
    private readonly RecordingStream _stream = new(inner.Stream);

    public Stream Stream => _stream;

    public string Name => inner.Name;

    public bool HasModemControl => inner.HasModemControl;

    public bool? CarrierDetect => inner.CarrierDetect;

    public Task<bool> DropDtrAsync(TimeSpan duration, TimeProvider timeProvider, CancellationToken cancellationToken) => inner.DropDtrAsync(duration, timeProvider, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    public string ToTranscript() => "# " + header + "\n" + _stream.Render();

    private sealed class RecordingStream(Stream inner) : Stream
    {
        private readonly List<(bool Dte, List<byte> Bytes)> _entries = [];
        private readonly Lock _lock = new();

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string Render()
        {
            lock (_lock)
            {
                var sb = new StringBuilder();
                foreach (var (dte, bytes) in _entries)
                {
                    sb.Append(dte ? "> " : "< ").Append(Escape(bytes)).Append('\n');
                }

                return sb.ToString();
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            Add(dte: false, buffer.Span[..n]);
            return n;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Add(dte: true, buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private static string Escape(List<byte> bytes)
        {
            var sb = new StringBuilder();
            foreach (var b in bytes)
            {
                sb.Append(b switch
                {
                    13 => "\\r",
                    10 => "\\n",
                    92 => "\\\\",
                    >= 32 and < 127 => ((char)b).ToString(),
                    _ => $"\\x{b:X2}",
                });
            }

            return sb.ToString();
        }

        private void Add(bool dte, ReadOnlySpan<byte> bytes)
        {
            if (bytes.IsEmpty)
            {
                return;
            }

            lock (_lock)
            {
                // Consecutive writes of one burst (frame + DLE ETX) stay separate rows; reads merge until the next write.
                if (!dte && _entries.Count > 0 && !_entries[^1].Dte)
                {
                    _entries[^1].Bytes.AddRange(bytes.ToArray());
                }
                else
                {
                    _entries.Add((dte, [.. bytes.ToArray()]));
                }
            }
        }
    }
}
