using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace FaxGateway.Operations;

/// <summary>
/// sd_notify(3) over the datagram socket named by NOTIFY_SOCKET. Our own client rather than
/// Microsoft.Extensions.Hosting.Systemd's, because that one only speaks when the parent process is
/// systemd, and we want READY and the watchdog testable under a test notify socket as well.
/// </summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endPoint;

    public SystemdNotifier(string? notifySocket)
    {
        if (string.IsNullOrEmpty(notifySocket))
        {
            return;
        }

        // A leading '@' names a socket in the abstract namespace: the address starts with a NUL.
        var path = notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket;
        _endPoint = new UnixDomainSocketEndPoint(path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    /// <summary>True when a service manager listens (NOTIFY_SOCKET is set).</summary>
    public bool IsEnabled => _socket is not null;

    /// <summary>
    /// The watchdog interval the service manager asked for (WATCHDOG_USEC), if it is meant for this
    /// process (WATCHDOG_PID absent or ours).
    /// </summary>
    public static TimeSpan? WatchdogInterval()
    {
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds <= 0)
        {
            return null;
        }

        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return TimeSpan.FromTicks(microseconds * 10);
    }

    /// <summary>Sends one state string such as "READY=1", "WATCHDOG=1" or "STATUS=2 lines up".</summary>
    public bool Notify(string state)
    {
        if (_socket is null || _endPoint is null)
        {
            return false;
        }

        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), _endPoint);
            return true;
        }
        catch (SocketException)
        {
            // The manager went away (for example during its own shutdown): nothing to tell it.
            return false;
        }
    }

    public void Dispose() => _socket?.Dispose();
}
