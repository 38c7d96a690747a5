using FaxGateway.Core.Inbound;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Imaging;

namespace FaxGateway.Tests.Daemon;

public sealed class InboundTests : IAsyncLifetime
{
    private QueueHarness _q = null!;

    public async Task InitializeAsync() => _q = await new QueueHarness().StartAsync();

    public async Task DisposeAsync() => await _q.DisposeAsync();

    [Fact]
    public async Task A_call_to_a_number_lands_in_its_accounts_inbox_with_its_pages()
    {
        await _q.Get<IWebhookRepository>().AddAsync(new Webhook
        {
            Id = Core.FaxIds.NewShort(), AccountId = _q.Account.Id, Target = new Uri("http://127.0.0.1:9/in"), Event = "fax_received", SigningSecret = "s", CreatedAt = _q.Time.GetUtcNow(),
        }, CancellationToken.None);
        var line = new ScriptedFaxLine("line1") { ReceivePages = 3 };
        var call = new IncomingCall { LineId = "line1", CallerNumber = "+41445550999", CalledNumber = _q.Number, RingAt = _q.Time.GetUtcNow() };
        var result = await _q.Get<InboundService>().HandleAsync(line, new FaxLineDescriptor("line1", _q.Number), call, CancellationToken.None);
        Assert.Equal(3, result!.PagesReceived);

        var fax = Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));
        Assert.Equal(FaxDirection.Incoming, fax.Direction);
        Assert.Equal("+41445550999", fax.From);
        Assert.Equal(_q.Number, fax.To);
        Assert.Equal(3, fax.Pages);
        var file = await _q.Get<IFileRepository>().GetAsync(_q.Account.Id, fax.FileId!, CancellationToken.None);
        Assert.Equal(3, TiffFax.Read(_q.Get<IFileContentStore>().GetFullPath(file!.RelativePath)).Count);
        Assert.Single(await _q.Get<ICallbackQueue>().ListDueAsync(_q.Time.GetUtcNow(), 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_call_nobody_receives_is_rejected()
    {
        await _q.RegisterLineAsync("line9", "");
        var line = new ScriptedFaxLine("line9");
        var call = new IncomingCall { LineId = "line9", CallerNumber = "+41445550999", RingAt = _q.Time.GetUtcNow() };
        Assert.Null(await _q.Get<InboundService>().HandleAsync(line, new FaxLineDescriptor("line9", ""), call, CancellationToken.None));
        Assert.Equal(1, line.RejectedCalls);
        Assert.Empty(await _q.FaxesAsync());
    }

    [Fact]
    public async Task The_line_default_account_receives_calls_without_a_number()
    {
        await _q.RegisterLineAsync("line8", "", _q.Account.Id);
        var line = new ScriptedFaxLine("line8");
        var call = new IncomingCall { LineId = "line8", RingAt = _q.Time.GetUtcNow() };
        await _q.Get<InboundService>().HandleAsync(line, new FaxLineDescriptor("line8", ""), call, CancellationToken.None);
        Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));
    }

    [Fact]
    public async Task A_call_with_no_pages_leaves_no_record_and_no_file()
    {
        var line = new ScriptedFaxLine("line1") { ReceivePages = 0 };
        var call = new IncomingCall { LineId = "line1", CalledNumber = _q.Number, RingAt = _q.Time.GetUtcNow() };
        await _q.Get<InboundService>().HandleAsync(line, new FaxLineDescriptor("line1", _q.Number), call, CancellationToken.None);
        Assert.Empty(await _q.FaxesAsync());
        Assert.Empty(Directory.GetFiles(Path.Combine(_q.DataDirectory, "files", "tmp")));
    }
}
