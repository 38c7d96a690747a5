using FaxGateway.Core.Ports;
using FaxGateway.Storage.Files;

namespace FaxGateway.Storage.Tests;

public sealed class FileContentStoreTests
{
    [Fact]
    public async Task Writes_land_whole_under_their_final_name_and_leave_no_temporary_files()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var store = storage.Get<IFileContentStore>();
        var (relative, size) = await store.WriteAsync("abcdef123456", "pdf", new MemoryStream(new byte[100_000]), CancellationToken.None);
        Assert.Equal(100_000, size);
        Assert.Equal(Path.Combine("ab", "abcdef123456.pdf"), relative);
        Assert.True(File.Exists(store.GetFullPath(relative)));
        Assert.Empty(Directory.GetFiles(Path.Combine(storage.DataDirectory, "files", "tmp")));
        store.Delete(relative);
        Assert.False(File.Exists(store.GetFullPath(relative)));
    }

    [Fact]
    public async Task A_failed_write_leaves_nothing_behind()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var store = storage.Get<IFileContentStore>();
        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("abcdef999999", "pdf", new FailingStream(), CancellationToken.None));
        Assert.False(File.Exists(store.GetFullPath(Path.Combine("ab", "abcdef999999.pdf"))));
        Assert.Empty(Directory.GetFiles(Path.Combine(storage.DataDirectory, "files", "tmp")));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    public async Task Paths_outside_the_files_folder_are_refused(string path)
    {
        await using var storage = await new StorageFixture().StartAsync();
        Assert.Throws<ArgumentException>(() => storage.Get<IFileContentStore>().GetFullPath(path));
    }

    [Fact]
    public async Task Leftover_temporary_files_are_cleaned()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var store = storage.Get<FileContentStore>();
        await File.WriteAllTextAsync(store.CreateTemporaryPath("tif"), "half");
        Assert.Equal(1, store.CleanTemporary());
    }

    private sealed class FailingStream : MemoryStream
    {
        public FailingStream()
            : base(new byte[10])
        {
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("disk vanished");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new IOException("disk vanished");
    }
}
