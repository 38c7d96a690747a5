using FaxGateway.Api;
using FaxGateway.Core;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Security;
using FaxGateway.Imaging;
using FaxGateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Tests.Daemon;

/// <summary>
/// The daemon's queue services on a real SQLite folder, driven step by step (no hosted services run):
/// submit, convert, claim on a line, record the outcome. A second harness on the same folder is a restart.
/// </summary>
internal sealed class QueueHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public QueueHarness(string? dataDirectory = null, FakeTimeProvider? time = null, Action<QueueOptions>? queue = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "faxgw-queue-" + Guid.NewGuid().ToString("N"));
        Time = time ?? new FakeTimeProvider(ScriptedFaxLine.Start);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSqliteStorage(o => o.DataDirectory = DataDirectory);
        services.AddFaxGatewayCore();
        services.AddDocumentsLayer();
        services.AddFaxPlusApi();
        if (queue is not null)
        {
            services.Configure(queue);
        }

        _services = services.BuildServiceProvider();
    }

    public string DataDirectory { get; }
    public FakeTimeProvider Time { get; }
    public Account Account { get; private set; } = null!;
    public string Number { get; private set; } = "";

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public async Task<QueueHarness> StartAsync()
    {
        await Get<IStorageInitializer>().MigrateAsync(CancellationToken.None);
        var existing = await Get<IAccountRepository>().GetFirstAsync(CancellationToken.None);
        if (existing is null)
        {
            existing = new Account { Id = FaxIds.NewLong(), Email = "a@example.test", Type = AccountType.CorporateAdmin, CreatedAt = Time.GetUtcNow() };
            await Get<IAccountRepository>().AddAsync(existing, CancellationToken.None);
            await Get<INumberRepository>().UpsertAsync(new FaxNumber { Id = FaxIds.NewShort(), Number = "+41445550001", OwnerId = existing.Id, AcquiredAt = Time.GetUtcNow(), LineId = "line1" }, CancellationToken.None);
        }

        Account = existing;
        Number = "+41445550001";
        return this;
    }

    /// <summary>An upload of the account: a real TIFF with <paramref name="pages"/> pages.</summary>
    public async Task<string> UploadTiffAsync(int pages = 2)
    {
        var buffer = new MemoryStream();
        TiffFax.Write(buffer, Enumerable.Range(0, pages).Select(_ => new PageRaster(1728, 200, 204, 196)), FaxCodingOptions.Mmr);
        return await UploadAsync(buffer.ToArray(), "image/tiff");
    }

    public async Task<string> UploadAsync(byte[] content, string contentType)
    {
        var id = FaxIds.NewLong();
        var (relative, size) = await Get<IFileContentStore>().WriteAsync(id, "bin", new MemoryStream(content), CancellationToken.None);
        await Get<IFileRepository>().AddAsync(new StoredFile
        {
            Id = id, AccountId = Account.Id, Kind = StoredFileKind.Upload, RelativePath = relative, ContentType = contentType, Size = size,
            CreatedAt = Time.GetUtcNow(), ExpiresAt = Time.GetUtcNow().AddDays(1),
        }, CancellationToken.None);
        return id;
    }

    public async Task<SubmitResult> SubmitAsync(IReadOnlyList<string> to, RetryOverride? retry = null, DateTimeOffset? sendTime = null, int pages = 2)
    {
        var file = await UploadTiffAsync(pages);
        var result = await Get<JobService>().SubmitAsync(new SendRequest
        {
            AccountId = Account.Id, From = Number, To = to, FileIds = [file], Retry = retry, SendTime = sendTime,
        }, CancellationToken.None);
        return result;
    }

    public Task<bool> ConvertNextAsync() => ActivatorUtilities.CreateInstance<ConversionService>(_services).ConvertNextAsync(CancellationToken.None);

    public IServiceProvider Services => _services;

    public LineWorker Worker(IFaxLine line, string number = "+41445550001") =>
        new(line, new FaxLineDescriptor(line.LineId, number), new LineWorkerContext(
            Get<IJobRepository>(), Get<IFileRepository>(), Get<IFileContentStore>(), Get<JobService>(), Get<InboundService>(), Get<ILineRepository>(),
            Get<QueueSignal>(), Get<IOptions<QueueOptions>>().Value, Get<IOptions<LineOptions>>().Value, Time, NullLogger.Instance));

    public async Task RegisterLineAsync(string lineId, string number, string? defaultAccount = null) =>
        await Get<ILineRepository>().UpsertAsync(new FaxLine { Id = lineId, Number = number, DefaultAccountId = defaultAccount }, CancellationToken.None);

    public async Task<IReadOnlyList<FaxRecord>> FaxesAsync(FaxCategory? category = null) =>
        await Get<IFaxRepository>().ListAsync(new FaxQuery(Account.Id, category, null, null, 1000), CancellationToken.None);

    public async Task<string> TokenAsync() => await Get<TokenService>().CreateAsync(Account.Id, [Scopes.AllEdit], "t", CancellationToken.None);

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
