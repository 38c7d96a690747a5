using FaxGateway.Core;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace FaxGateway.Tests.Daemon;

/// <summary>
/// A daemon killed between moving a file into place and committing its record (an upload, a converted document)
/// leaves a file nothing refers to; the next start removes it, and only it.
/// </summary>
public sealed class UnrecordedFilesTests
{
    [Fact]
    public async Task The_start_removes_stored_files_without_a_record_and_keeps_every_recorded_one()
    {
        var q = await new QueueHarness().StartAsync();
        var data = q.DataDirectory;
        var time = q.Time;
        string recordedPath;
        string orphanPath;
        try
        {
            var recordedId = await q.UploadTiffAsync(1);
            recordedPath = (await q.Get<IFileRepository>().GetAsync(q.Account.Id, recordedId, CancellationToken.None))!.RelativePath;

            // The kill landed after the file's rename and before its record's commit.
            (orphanPath, _) = await q.Get<IFileContentStore>().WriteAsync(FaxIds.NewLong(), "tif", new MemoryStream([1, 2, 3]), CancellationToken.None);
        }
        finally
        {
            await q.DisposeAsync();
        }

        var restarted = await new QueueHarness(data, time).StartAsync();
        try
        {
            await ActivatorUtilities.CreateInstance<QueueStartupService>(restarted.Services).StartAsync(CancellationToken.None);

            var store = restarted.Get<IFileContentStore>();
            Assert.True(File.Exists(store.GetFullPath(recordedPath)));
            Assert.False(File.Exists(store.GetFullPath(orphanPath)));
            Assert.Equal([recordedPath], store.ListStored());
        }
        finally
        {
            await restarted.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
