using System.Net.Sockets;

namespace FaxGateway.Modems.Transport;

/// <summary>A modem behind a ser2net-style raw TCP port (no telnet RFC 2217 negotiation, no modem control).</summary>
public sealed class TcpModemTransport : IModemTransport
{
    private readonly TcpClient _client;

    private TcpModemTransport(TcpClient client, string name)
    {
        _client = client;
        Name = name;
        Stream = client.GetStream();
    }

    /// <inheritdoc />
    public Stream Stream { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool HasModemControl => false;

    /// <inheritdoc />
    public bool? CarrierDetect => null;

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<TcpModemTransport> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            client.Dispose();
            throw new ModemException(ModemFailure.PortClosed, $"cannot connect to tcp://{host}:{port}: {ex.Message}", ex);
        }

        return new TcpModemTransport(client, $"tcp://{host}:{port}");
    }

    /// <inheritdoc />
    public Task<bool> DropDtrAsync(TimeSpan duration, TimeProvider timeProvider, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
