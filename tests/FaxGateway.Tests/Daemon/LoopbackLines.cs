using System.Collections.Concurrent;
using System.Threading.Channels;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Imaging;

namespace FaxGateway.Tests.Daemon;

/// <summary>
/// A test double of the line factory: lines wired to each other by number. A send rings the line with
/// the dialled number; when that line's worker answers, the sender's TIFF-F pages are handed over and
/// every page is confirmed. Unknown numbers get no answer; a line dialling itself, or a line that is
/// dialling out, gets busy.
/// </summary>
internal sealed class LoopbackLines(params FaxLineDescriptor[] lines) : IFaxLineFactory
{
    private readonly ConcurrentDictionary<string, LoopbackLine> _open = new();

    public IReadOnlyList<FaxLineDescriptor> Lines { get; } = lines;

    public Task<IFaxLine> OpenAsync(string lineId, CancellationToken cancellationToken)
    {
        var descriptor = Lines.Single(l => l.LineId == lineId);
        return Task.FromResult<IFaxLine>(_open.GetOrAdd(lineId, _ => new LoopbackLine(descriptor, this)));
    }

    private LoopbackLine? ByNumber(string number) => _open.Values.FirstOrDefault(l => l.Descriptor.Number == number);

    private sealed record PendingCall(OutboundFax Fax, TaskCompletionSource<FaxReceiveResult> Done);

    private sealed class LoopbackLine(FaxLineDescriptor descriptor, LoopbackLines network) : IFaxLine
    {
        private readonly Channel<(IncomingCall Call, PendingCall Pending)> _ringing = Channel.CreateUnbounded<(IncomingCall, PendingCall)>();
        private readonly ConcurrentDictionary<IncomingCall, PendingCall> _calls = new();

        private volatile bool _dialling;

        public FaxLineDescriptor Descriptor => descriptor;
        public string LineId => descriptor.LineId;

        public async Task<FaxSendResult> SendAsync(OutboundFax fax, CancellationToken cancellationToken)
        {
            var start = DateTimeOffset.UtcNow;
            var target = network.ByNumber(fax.Destination);
            if (target is null || target == this || target._dialling)
            {
                return Result(target is null ? FailureKind.NoAnswer : FailureKind.Busy, fax, 0, start);
            }

            _dialling = true;
            try
            {
                return await RingAsync(target, fax, start, cancellationToken);
            }
            finally
            {
                _dialling = false;
            }
        }

        private async Task<FaxSendResult> RingAsync(LoopbackLine target, OutboundFax fax, DateTimeOffset start, CancellationToken cancellationToken)
        {
            var pending = new PendingCall(fax, new TaskCompletionSource<FaxReceiveResult>(TaskCreationOptions.RunContinuationsAsynchronously));
            var call = new IncomingCall { LineId = target.LineId, CallerNumber = descriptor.Number, CalledNumber = fax.Destination, RingAt = start };
            target._ringing.Writer.TryWrite((call, pending));
            var received = await pending.Done.Task.WaitAsync(cancellationToken);
            return Result(received.Failure, fax, received.PagesReceived, start);
        }

        // As a real line: one outcome per page this call was to send (a resumed job starts at FirstPage), original numbers.
        private static FaxSendResult Result(FailureKind failure, OutboundFax fax, int confirmed, DateTimeOffset start) => new()
        {
            Failure = failure,
            Pages = [.. Enumerable.Range(fax.FirstPage, fax.PagesToSend).Select(n => new PageOutcome(n, n - fax.FirstPage < confirmed ? PageConfirmation.Mcf : PageConfirmation.NotSent))],
            RemoteIdent = "LOOPBACK",
            HangupReason = failure.ToString(),
            StartedAt = start,
            Duration = DateTimeOffset.UtcNow - start,
        };

        public async Task<IncomingCall> WaitForCallAsync(CancellationToken cancellationToken)
        {
            var (call, pending) = await _ringing.Reader.ReadAsync(cancellationToken);
            _calls[call] = pending;
            return call;
        }

        public Task<FaxReceiveResult> ReceiveAsync(IncomingCall call, ReceiveTarget target, CancellationToken cancellationToken)
        {
            _calls.TryRemove(call, out var pending);
            var fax = pending!.Fax;
            if (fax.FirstPage == 1)
            {
                File.Copy(fax.TiffPath, target.TiffPath);
            }
            else
            {
                TiffFax.Write(target.TiffPath, TiffFax.Read(fax.TiffPath).Skip(fax.FirstPage - 1).Select(p => p.Raster), FaxCodingOptions.Mmr);
            }

            var result = new FaxReceiveResult
            {
                Failure = FailureKind.None,
                PagesReceived = fax.PagesToSend,
                RemoteIdent = pending.Fax.LocalIdent,
                StartedAt = call.RingAt,
                Duration = DateTimeOffset.UtcNow - call.RingAt,
            };
            pending.Done.TrySetResult(result);
            return Task.FromResult(result);
        }

        public Task RejectAsync(IncomingCall call, CancellationToken cancellationToken)
        {
            if (_calls.TryRemove(call, out var pending))
            {
                pending.Done.TrySetResult(new FaxReceiveResult { Failure = FailureKind.NoAnswer, PagesReceived = 0, StartedAt = call.RingAt, Duration = TimeSpan.Zero });
            }

            return Task.CompletedTask;
        }

        public Task<bool> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(true);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
