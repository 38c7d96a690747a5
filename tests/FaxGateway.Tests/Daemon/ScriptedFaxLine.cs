using System.Threading.Channels;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Imaging;

namespace FaxGateway.Tests.Daemon;

/// <summary>
/// A test double of the line port: each send answers with the next scripted outcome; incoming calls
/// are pushed by the test and received pages are written as a real TIFF-F file.
/// </summary>
internal sealed class ScriptedFaxLine(string lineId) : IFaxLine
{
    private readonly Queue<Func<OutboundFax, FaxSendResult>> _sends = new();
    private readonly Channel<IncomingCall> _calls = Channel.CreateUnbounded<IncomingCall>();

    public string LineId { get; } = lineId;
    public List<OutboundFax> Sent { get; } = [];
    public int RejectedCalls { get; private set; }
    public bool ProbeAnswers { get; set; } = true;
    public int ReceivePages { get; set; } = 1;

    /// <summary>A call rings in that <see cref="WaitForCallAsync"/> has not returned yet.</summary>
    public bool IsRinging { get; set; }

    /// <summary>When set, the call ends with this exception after its pages were kept in the spool (a daemon stopping mid-call).</summary>
    public Exception? ReceiveFailsWith { get; set; }

    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public void Script(Func<OutboundFax, FaxSendResult> outcome) => _sends.Enqueue(outcome);

    /// <summary>Every page the call was to send confirmed by MCF.</summary>
    public void ScriptSuccess() => Script(f => Result(FailureKind.None, f.PageCount, f.PagesToSend, firstPage: f.FirstPage));

    /// <summary>The call ends with <paramref name="failure"/> after the first <paramref name="confirmed"/> pages it sent were confirmed.</summary>
    public void ScriptFailure(FailureKind failure, int confirmed = 0) => Script(f => Result(failure, f.PageCount, confirmed, firstPage: f.FirstPage));

    /// <summary>The far end's answer to each page the call sends, from <see cref="OutboundFax.FirstPage"/> on; pages beyond them are not sent.</summary>
    public void ScriptPages(FailureKind failure, params PageConfirmation[] answers) => Script(f => new FaxSendResult
    {
        Failure = failure,
        Pages = [.. Enumerable.Range(f.FirstPage, f.PagesToSend).Select(n => new PageOutcome(n, n - f.FirstPage < answers.Length ? answers[n - f.FirstPage] : PageConfirmation.NotSent))],
        RemoteIdent = "+41 44 555 0000",
        HangupReason = failure.ToString(),
        StartedAt = Start,
        Duration = TimeSpan.FromSeconds(30),
    });

    /// <summary>
    /// A call that was to send pages <paramref name="firstPage"/>..<paramref name="pageCount"/> of the document: the
    /// first <paramref name="confirmed"/> of them confirmed by MCF, the rest answered with <paramref name="after"/>.
    /// </summary>
    public static FaxSendResult Result(FailureKind failure, int pageCount, int confirmed, PageConfirmation after = PageConfirmation.NotSent, int firstPage = 1) => new()
    {
        Failure = failure,
        Pages = [.. Enumerable.Range(firstPage, Math.Max(0, pageCount - firstPage + 1)).Select(n => new PageOutcome(n, n - firstPage < confirmed ? PageConfirmation.Mcf : after))],
        RemoteIdent = "+41 44 555 0000",
        HangupReason = failure.ToString(),
        StartedAt = Start,
        Duration = TimeSpan.FromSeconds(30),
    };

    public void Ring(IncomingCall call) => _calls.Writer.TryWrite(call);

    public Task<FaxSendResult> SendAsync(OutboundFax fax, CancellationToken cancellationToken)
    {
        Assert.True(File.Exists(fax.TiffPath), "the line gets an existing TIFF-F file");
        Sent.Add(fax);
        Assert.True(_sends.Count > 0, "an unscripted send");
        return Task.FromResult(_sends.Dequeue()(fax));
    }

    public async Task<IncomingCall> WaitForCallAsync(CancellationToken cancellationToken) => await _calls.Reader.ReadAsync(cancellationToken);

    public Task<FaxReceiveResult> ReceiveAsync(IncomingCall call, ReceiveTarget target, CancellationToken cancellationToken)
    {
        // As a real line does: each page into the spool before it is confirmed, then the whole file at the end.
        for (var page = 1; page <= ReceivePages && target.PageDirectory is not null; page++)
        {
            ReceivedPageFiles.Write(target.PageDirectory, page, stream => TiffFax.Write(stream, [new PageRaster(1728, 100)], FaxCodingOptions.Mmr));
        }

        if (ReceiveFailsWith is not null)
        {
            return Task.FromException<FaxReceiveResult>(ReceiveFailsWith);
        }

        if (ReceivePages > 0)
        {
            TiffFax.Write(target.TiffPath, Enumerable.Range(0, ReceivePages).Select(_ => new PageRaster(1728, 100)), FaxCodingOptions.Mmr);
        }

        return Task.FromResult(new FaxReceiveResult
        {
            Failure = FailureKind.None,
            PagesReceived = ReceivePages,
            RemoteIdent = "SENDER",
            StartedAt = Start,
            Duration = TimeSpan.FromSeconds(20),
        });
    }

    public Task RejectAsync(IncomingCall call, CancellationToken cancellationToken)
    {
        RejectedCalls++;
        return Task.CompletedTask;
    }

    public Task<bool> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(ProbeAnswers);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
