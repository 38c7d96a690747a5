using FaxGateway.Core.Documents;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Core.Jobs;

/// <summary>
/// The converting step: claims submitted outbox entries one at a time, renders their uploads to one
/// TIFF-F document (written to a temporary file, then committed) and schedules the entry's jobs.
/// </summary>
public sealed partial class ConversionService(
    IJobRepository jobs,
    IFileRepository files,
    IFileContentStore store,
    IFaxDocumentConverter converter,
    JobService jobService,
    QueueSignal signal,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<ConversionService> logger,
    Metrics.FaxMetrics? metrics = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var pulse = signal.Current;
            try
            {
                if (await ConvertNextAsync(stoppingToken).ConfigureAwait(false))
                {
                    continue;
                }

                await QueueSignal.WaitAsync(pulse, options.Value.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogError(logger, e);
                await QueueSignal.WaitAsync(pulse, options.Value.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Converts one submitted entry; false when there is none.</summary>
    public async Task<bool> ConvertNextAsync(CancellationToken cancellationToken)
    {
        var entry = await jobs.ClaimForConversionAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return false;
        }

        var sources = new List<DocumentSource>(entry.FileIds.Count);
        foreach (var fileId in entry.FileIds)
        {
            var file = await files.GetAsync(entry.AccountId, fileId, cancellationToken).ConfigureAwait(false);
            if (file is null)
            {
                await jobService.FailConversionAsync(entry, FailureKind.ConversionFailed, $"upload {fileId} expired or was removed", cancellationToken).ConfigureAwait(false);
                return true;
            }

            sources.Add(new DocumentSource(store.GetFullPath(file.RelativePath), file.ContentType, file.OriginalName));
        }

        var temporary = store.CreateTemporaryPath("tif");
        try
        {
            var started = time.GetTimestamp();
            var pages = await converter.ConvertAsync(sources, temporary, new DocumentConversionRequest { Enhancement = entry.Enhancement, CoverPageJson = entry.CoverPageJson, Resolution = entry.Resolution }, cancellationToken).ConfigureAwait(false);
            metrics?.DocumentConverted(FormatLabel(sources), time.GetElapsedTime(started));
            var documentId = FaxIds.NewLong();
            var (relativePath, size) = store.Commit(temporary, documentId, "tif");
            var document = new StoredFile
            {
                Id = documentId,
                AccountId = entry.AccountId,
                Kind = StoredFileKind.FaxPages,
                RelativePath = relativePath,
                ContentType = "image/tiff",
                OriginalName = "outbox-" + entry.Id + ".tif",
                Size = size,
                PageCount = pages,
                CreatedAt = time.GetUtcNow(),
            };
            try
            {
                await jobs.MarkConvertedAsync(entry.Id, document, pages, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                store.Delete(relativePath);
                throw;
            }

            signal.Pulse();
            LogConverted(logger, entry.Id, pages);
        }
        catch (DocumentConversionException e)
        {
            File.Delete(temporary);
            await jobService.FailConversionAsync(entry, e.Failure, e.Message, cancellationToken).ConfigureAwait(false);
            LogConversionFailed(logger, entry.Id, e.Message);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return true;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Outbox {OutboxId} converted: {Pages} pages")]
    private static partial void LogConverted(ILogger logger, string outboxId, int pages);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Outbox {OutboxId} cannot be converted: {Reason}")]
    private static partial void LogConversionFailed(ILogger logger, string outboxId, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Conversion worker error")]
    private static partial void LogError(ILogger logger, Exception exception);

    /// <summary>A bounded label for the conversion metric: the first source's type (pdf, tiff, png, jpeg, text, other).</summary>
    private static string FormatLabel(IReadOnlyList<DocumentSource> sources) =>
        sources.Count == 0 ? "none" : sources[0].ContentType switch
        {
            "application/pdf" => "pdf",
            "image/tiff" => "tiff",
            "image/png" => "png",
            "image/jpeg" => "jpeg",
            "text/plain" => "text",
            _ => "other",
        };
}
