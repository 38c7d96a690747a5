using FaxGateway.Core.Inbound;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Imaging;

namespace FaxGateway.Api.Tests.Twilio;

/// <summary>
/// A line test double for the inbound path (the real modem lines are the calls layer's): receiving writes a real
/// TIFF-F file of <see cref="Pages"/> pages, rejecting is counted. Nothing is ever dialled.
/// </summary>
internal sealed class ReceivingTestLine : IFaxLine
{
    public string LineId => "line-1";

    public int Pages { get; init; } = 2;

    public int Received { get; private set; }

    /// <summary>The call never ends by itself: ReceiveAsync waits until cancelled (the daemon stopping mid-call).</summary>
    public bool HoldUntilCancelled { get; init; }

    /// <summary>Completes when ReceiveAsync has been entered (the call is answered).</summary>
    public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Rejected { get; private set; }

    public Task<FaxSendResult> SendAsync(OutboundFax fax, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the inbound tests never dial");

    public Task<IncomingCall> WaitForCallAsync(CancellationToken cancellationToken) =>
        Task.FromCanceled<IncomingCall>(new CancellationToken(canceled: true));

    public async Task<FaxReceiveResult> ReceiveAsync(IncomingCall call, ReceiveTarget target, CancellationToken cancellationToken)
    {
        Received++;
        Answered.TrySetResult();
        if (HoldUntilCancelled)
        {
            // The pages confirmed so far are in the receive spool, as a real line writes them before each MCF.
            for (var page = 1; page <= Pages && target.PageDirectory is not null; page++)
            {
                ReceivedPageFiles.Write(target.PageDirectory, page, stream => TiffFax.Write(stream, [new PageRaster(1728, 100)], FaxCodingOptions.Mmr));
            }

            await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
        }

        if (Pages > 0)
        {
            TiffFax.Write(target.TiffPath, Enumerable.Range(0, Pages).Select(_ => new PageRaster(1728, 100)), FaxCodingOptions.Mmr);
        }

        return new FaxReceiveResult
        {
            Failure = Pages > 0 ? FailureKind.None : FailureKind.ProtocolError,
            PagesReceived = Pages,
            RemoteIdent = "ACME FAX",
            HangupReason = Pages > 0 ? "" : "T.30 DCN after DIS",
            StartedAt = call.RingAt,
            Duration = TimeSpan.FromSeconds(25),
        };
    }

    public Task RejectAsync(IncomingCall call, CancellationToken cancellationToken)
    {
        Rejected++;
        return Task.CompletedTask;
    }

    public Task<bool> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
