using System.IO.Ports;

namespace FaxGateway.Modems.Transport;

/// <summary>
/// A serial port (or a USB CDC-ACM modem, or a pty such as iaxmodem's) through System.IO.Ports. On a pty the
/// modem-control ioctls fail with IOException "Inappropriate ioctl for device": that is taken as "no modem
/// control here", not as a failure.
/// </summary>
public sealed class SerialModemTransport : IModemTransport
{
    private readonly SerialPort _port;
    private bool _hasModemControl;

    private SerialModemTransport(SerialPort port, bool hasModemControl, string? modemControlProblem)
    {
        _port = port;
        _hasModemControl = hasModemControl;
        ModemControlProblem = modemControlProblem;
    }

    /// <inheritdoc />
    public Stream Stream => _port.BaseStream;

    /// <inheritdoc />
    public string Name => _port.PortName;

    /// <inheritdoc />
    public bool HasModemControl => _hasModemControl;

    /// <summary>Why modem control is not available (the ioctl error text), or null.</summary>
    public string? ModemControlProblem { get; }

    /// <inheritdoc />
    public bool? CarrierDetect
    {
        get
        {
            if (!_hasModemControl)
            {
                return null;
            }

            try
            {
                return _port.CDHolding;
            }
            catch (IOException)
            {
                _hasModemControl = false;
                return null;
            }
        }
    }

    /// <summary>Opens <paramref name="device"/> (a symlink is resolved) at <paramref name="baudRate"/> with <paramref name="flowControl"/>.</summary>
    public static SerialModemTransport Open(string device, int baudRate = 115200, FlowControl flowControl = FlowControl.RtsCts)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        var path = ResolveDevice(device);
        if (!File.Exists(path))
        {
            // SerialPort reports a missing device as "access denied"; say what it is.
            throw new ModemException(ModemFailure.PortClosed, $"cannot open {device}: no such device");
        }

        var port = new SerialPort(path, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = flowControl switch
            {
                FlowControl.RtsCts => Handshake.RequestToSend,
                FlowControl.XonXoff => Handshake.XOnXOff,
                _ => Handshake.None,
            },
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = SerialPort.InfiniteTimeout,
        };
        try
        {
            port.Open();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            throw new ModemException(ModemFailure.PortClosed, $"cannot open {device}: {ex.Message}", ex);
        }

        // DTR must be up for most modems to listen; a pty refuses the ioctl.
        string? problem = null;
        var modemControl = true;
        try
        {
            port.DtrEnable = true;
            _ = port.CtsHolding;
        }
        catch (IOException ex)
        {
            modemControl = false;
            problem = ex.Message;
        }

        return new SerialModemTransport(port, modemControl, problem);
    }

    /// <inheritdoc />
    public async Task<bool> DropDtrAsync(TimeSpan duration, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!_hasModemControl)
        {
            return false;
        }

        try
        {
            _port.DtrEnable = false;
            await Task.Delay(duration, timeProvider, cancellationToken).ConfigureAwait(false);
            _port.DtrEnable = true;
            return true;
        }
        catch (IOException)
        {
            _hasModemControl = false;
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        try
        {
            _port.Close();
        }
        catch (IOException)
        {
            // A vanished USB device cannot be closed cleanly; the handle is released by Dispose.
        }

        _port.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string ResolveDevice(string device)
    {
        // iaxmodem and our simulator publish symlinks; SerialPort wants the tty itself.
        try
        {
            var info = new FileInfo(device);
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? device;
        }
        catch (IOException)
        {
            return device;
        }
    }
}
