namespace FaxGateway.Modems.Transport;

/// <summary>Opens the transport named by a device string: "tcp://host:port", or a device path (serial, USB, pty).</summary>
public static class ModemEndpoint
{
    /// <summary>Opens <paramref name="device"/>.</summary>
    public static async Task<IModemTransport> OpenAsync(string device, int baudRate, FlowControl flowControl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        if (device.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
        {
            var uri = new Uri(device);
            if (uri.Port <= 0)
            {
                throw new ModemException(ModemFailure.PortClosed, $"{device}: a TCP modem needs a port (tcp://host:port)");
            }

            return await TcpModemTransport.ConnectAsync(uri.Host, uri.Port, cancellationToken).ConfigureAwait(false);
        }

        return SerialModemTransport.Open(device, baudRate, flowControl);
    }
}
