namespace FaxGateway.Modems.Transport;

/// <summary>Any duplex stream as a modem (the simulator in-process, test scripts).</summary>
public sealed class StreamModemTransport(Stream stream, string name) : IModemTransport
{
    /// <inheritdoc />
    public Stream Stream { get; } = stream;

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public bool HasModemControl => false;

    /// <inheritdoc />
    public bool? CarrierDetect => null;

    /// <inheritdoc />
    public Task<bool> DropDtrAsync(TimeSpan duration, TimeProvider timeProvider, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
