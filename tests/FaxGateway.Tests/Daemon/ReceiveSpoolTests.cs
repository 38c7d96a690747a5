using FaxGateway.Core;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Imaging;
using Microsoft.Extensions.DependencyInjection;

namespace FaxGateway.Tests.Daemon;

/// <summary>
/// The receive spool: a page confirmed to the sender (MCF) is never lost, whether the daemon stops mid-call, between the
/// end of the call and the inbox commit, or right after the commit. A second harness on the same data folder is the
/// restarted daemon; its start (<see cref="QueueStartupService"/>) recovers what the first left.
/// </summary>
public sealed class ReceiveSpoolTests : IAsyncLifetime
{
    private QueueHarness _q = null!;

    public async Task InitializeAsync() => _q = await new QueueHarness().StartAsync();

    public async Task DisposeAsync()
    {
        await _q.DisposeAsync();
        Directory.Delete(_q.DataDirectory, recursive: true);
    }

    private string SpoolRoot => Path.Combine(_q.DataDirectory, "spool", "receive");

    private IncomingCall Call() => new() { LineId = "line1", CallerNumber = "+41445550999", CalledNumber = _q.Number, RingAt = _q.Time.GetUtcNow() };

    private SpooledCall Spooled(string? faxId = null) => new()
    {
        SessionId = FaxIds.NewShort(),
        FaxId = faxId ?? FaxIds.NewShort(),
        FileId = FaxIds.NewLong(),
        AccountId = _q.Account.Id,
        LocalNumber = _q.Number,
        LineId = "line1",
        CallerNumber = "+41445550999",
        AnsweredAt = _q.Time.GetUtcNow(),
    };

    /// <summary>What a daemon killed mid-call leaves: the manifest and the pages it had confirmed.</summary>
    private string LeaveBehind(SpooledCall call, int pages, FaxReceiveResult? end = null)
    {
        var spool = _q.Get<IReceiveSpool>();
        var folder = spool.Begin(call);
        for (var page = 1; page <= pages; page++)
        {
            ReceivedPageFiles.Write(folder, page, stream => TiffFax.Write(stream, [new PageRaster(1728, 50 + page)], FaxCodingOptions.Mmr));
        }

        if (end is not null)
        {
            spool.End(call.SessionId, end);
        }

        return folder;
    }

    private async Task<QueueHarness> RestartAsync()
    {
        await _q.DisposeAsync();
        _q = await new QueueHarness(_q.DataDirectory, _q.Time).StartAsync();
        await ActivatorUtilities.CreateInstance<QueueStartupService>(_q.Services).StartAsync(CancellationToken.None);
        return _q;
    }

    private async Task<int> CallbacksAsync() => (await _q.Get<ICallbackQueue>().ListDueAsync(_q.Time.GetUtcNow().AddYears(1), 100, CancellationToken.None)).Count;

    private async Task AddReceivedHookAsync() =>
        await _q.Get<IWebhookRepository>().AddAsync(new Webhook
        {
            Id = FaxIds.NewShort(), AccountId = _q.Account.Id, Target = new Uri("http://127.0.0.1:9/in"), Event = "fax_received", SigningSecret = "s", CreatedAt = _q.Time.GetUtcNow(),
        }, CancellationToken.None);

    [Fact]
    public async Task A_normal_call_goes_through_the_spool_and_leaves_nothing_in_it()
    {
        var line = new ScriptedFaxLine("line1") { ReceivePages = 2 };

        await _q.Get<InboundService>().HandleAsync(line, new FaxLineDescriptor("line1", _q.Number), Call(), CancellationToken.None);

        var fax = Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));
        Assert.Equal(FaxStatuses.Success, fax.Status);
        Assert.Equal(2, fax.Pages);
        Assert.Empty(Directory.EnumerateFileSystemEntries(SpoolRoot));
    }

    [Fact]
    public async Task A_call_cut_off_by_a_stop_keeps_the_pages_confirmed_before_it_as_a_partially_received_fax()
    {
        await AddReceivedHookAsync();
        var line = new ScriptedFaxLine("line1") { ReceivePages = 2, ReceiveFailsWith = new OperationCanceledException("daemon stopping") };

        await Assert.ThrowsAsync<OperationCanceledException>(() => _q.Get<InboundService>().HandleAsync(line, new FaxLineDescriptor("line1", _q.Number), Call(), CancellationToken.None));

        var fax = Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));
        Assert.Equal(FaxStatuses.PartiallyReceived, fax.Status);
        Assert.Equal(FailureKind.Interrupted, fax.Failure);
        Assert.Equal(2, fax.Pages);
        Assert.Equal("+41445550999", fax.From);
        var file = await _q.Get<IFileRepository>().GetAsync(_q.Account.Id, fax.FileId!, CancellationToken.None);
        Assert.Equal(2, TiffFax.Read(_q.Get<IFileContentStore>().GetFullPath(file!.RelativePath)).Count);
        Assert.Equal(1, await CallbacksAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(SpoolRoot));
    }

    private sealed class Observer : IInboundCallObserver
    {
        public List<(FaxReceiveResult Result, FaxRecord? Record)> Ended { get; } = [];

        public Task OnCallEndedAsync(InboundDecision.Answer answer, IncomingCall call, FaxReceiveResult result, FaxRecord? record, CancellationToken cancellationToken)
        {
            Ended.Add((result, record));
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Observers_learn_that_an_interrupted_call_ended_with_the_record_of_its_kept_pages()
    {
        var observer = new Observer();
        var inbound = ActivatorUtilities.CreateInstance<InboundService>(_q.Services, (IEnumerable<IInboundCallObserver>)[observer]);
        var line = new ScriptedFaxLine("line1") { ReceivePages = 1, ReceiveFailsWith = new IOException("modem vanished") };

        await Assert.ThrowsAsync<IOException>(() => inbound.HandleAsync(line, new FaxLineDescriptor("line1", _q.Number), Call(), CancellationToken.None));

        var (result, record) = Assert.Single(observer.Ended);
        Assert.Equal(FailureKind.Interrupted, result.Failure);
        Assert.Equal(1, result.PagesReceived);
        Assert.Contains("modem vanished", result.HangupReason, StringComparison.Ordinal);
        Assert.Equal(Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox)).Id, record!.Id);
    }

    [Fact]
    public async Task Pages_confirmed_before_a_kill_mid_call_are_in_the_inbox_after_the_restart_exactly_once()
    {
        await AddReceivedHookAsync();
        var call = Spooled();
        LeaveBehind(call, pages: 3);

        await RestartAsync();
        await RestartAsync();

        var fax = Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));
        Assert.Equal(call.FaxId, fax.Id);
        Assert.Equal(call.SessionId, fax.SessionId);
        Assert.Equal(FaxStatuses.PartiallyReceived, fax.Status);
        Assert.Equal(3, fax.Pages);
        Assert.Equal(_q.Number, fax.To);
        var file = await _q.Get<IFileRepository>().GetAsync(_q.Account.Id, fax.FileId!, CancellationToken.None);
        var pages = TiffFax.Read(_q.Get<IFileContentStore>().GetFullPath(file!.RelativePath));
        Assert.Equal([51, 52, 53], pages.Select(p => p.Raster.Height));
        Assert.Equal(1, await CallbacksAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(SpoolRoot));
    }

    [Fact]
    public async Task A_call_that_had_ended_before_the_kill_is_recovered_with_its_own_outcome()
    {
        var call = Spooled();
        LeaveBehind(call, pages: 2, new FaxReceiveResult
        {
            Failure = FailureKind.None, PagesReceived = 2, RemoteIdent = "SENDER", StartedAt = call.AnsweredAt, Duration = TimeSpan.FromSeconds(41),
        });

        await RestartAsync();

        var fax = Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));
        Assert.Equal(FaxStatuses.Success, fax.Status);
        Assert.Equal("OK", fax.Description);
        Assert.Equal("SENDER", fax.RemoteIdent);
        Assert.Equal(41, fax.DurationSeconds);
    }

    [Fact]
    public async Task A_call_committed_just_before_the_kill_is_not_added_again()
    {
        var line = new ScriptedFaxLine("line1") { ReceivePages = 1 };
        await _q.Get<InboundService>().HandleAsync(line, new FaxLineDescriptor("line1", _q.Number), Call(), CancellationToken.None);
        var committed = Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));

        // The kill landed between the commit and the removal of the spool folder.
        LeaveBehind(Spooled(committed.Id) with { SessionId = committed.SessionId! }, pages: 1);
        await RestartAsync();

        Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));
        Assert.Empty(Directory.EnumerateFileSystemEntries(SpoolRoot));
    }

    [Fact]
    public async Task A_call_killed_before_any_page_was_confirmed_leaves_no_record()
    {
        LeaveBehind(Spooled(), pages: 0);

        await RestartAsync();

        Assert.Empty(await _q.FaxesAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(SpoolRoot));
    }

    [Fact]
    public async Task A_damaged_spool_never_stops_the_start_and_what_can_be_read_is_kept()
    {
        // One call with a page damaged from outside (the writer never leaves a half page), one with only damage,
        // one whose manifest is garbage.
        var partlyDamaged = Spooled();
        var folder = LeaveBehind(partlyDamaged, pages: 2);
        await File.WriteAllBytesAsync(Path.Combine(folder, "page-0001.tif"), [0x49, 0x49, 0x2A, 0x00, 0xFF, 0xFF]);
        var allDamaged = Spooled();
        var damagedFolder = LeaveBehind(allDamaged, pages: 1);
        await File.WriteAllTextAsync(Path.Combine(damagedFolder, "page-0001.tif"), "not a tiff");
        var garbage = Directory.CreateDirectory(Path.Combine(SpoolRoot, FaxIds.NewShort()));
        await File.WriteAllTextAsync(Path.Combine(garbage.FullName, "call.json"), "{ not json");

        await RestartAsync();

        var fax = Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));
        Assert.Equal(partlyDamaged.FaxId, fax.Id);
        Assert.Equal(1, fax.Pages);

        // What could not be read at all stays for the admin, and the next start is not stopped by it either.
        Assert.True(Directory.Exists(damagedFolder));
        Assert.True(Directory.Exists(garbage.FullName));
        await RestartAsync();
        Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));
    }

    [Fact]
    public async Task A_half_written_page_is_not_a_page()
    {
        var call = Spooled();
        var folder = LeaveBehind(call, pages: 1);
        await File.WriteAllBytesAsync(Path.Combine(folder, "page-0002.tif.part"), [0x49, 0x49]);

        await RestartAsync();

        Assert.Equal(1, Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox)).Pages);
    }

    [Fact]
    public async Task A_spool_that_cannot_be_written_fails_the_call_and_tells_the_observers()
    {
        // The spool folder's place is taken by a file: creating the call's folder fails, as on a full or read-only disk.
        var observer = new Observer();
        var inbound = ActivatorUtilities.CreateInstance<InboundService>(_q.Services, (IEnumerable<IInboundCallObserver>)[observer]);
        Directory.Delete(SpoolRoot, recursive: true);
        await File.WriteAllTextAsync(SpoolRoot, "in the way");
        var line = new ScriptedFaxLine("line1") { ReceivePages = 1 };

        await Assert.ThrowsAnyAsync<IOException>(() => inbound.HandleAsync(line, new FaxLineDescriptor("line1", _q.Number), Call(), CancellationToken.None));

        var (result, record) = Assert.Single(observer.Ended);
        Assert.Equal(FailureKind.Interrupted, result.Failure);
        Assert.Equal(0, result.PagesReceived);
        Assert.Null(record);
        Assert.Empty(await _q.FaxesAsync());
        File.Delete(SpoolRoot);
    }
}
