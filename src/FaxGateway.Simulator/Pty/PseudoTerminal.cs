using System.Runtime.InteropServices;
using System.Text;

namespace FaxGateway.Simulator.Pty;

/// <summary>Thrown when a pseudo-terminal cannot be created or used.</summary>
public sealed class PseudoTerminalException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PseudoTerminalException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PseudoTerminalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PseudoTerminalException()
    {
    }

    internal static PseudoTerminalException FromErrno(string call) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
}

/// <summary>
/// A Linux pseudo-terminal pair (posix_openpt/grantpt/unlockpt/ptsname): the slave is the "serial port" a
/// DTE program opens (efax, sendfax, our daemon through System.IO.Ports); the master is the modem's side.
/// The slave is kept open here too, so the master does not see a hang-up each time a DTE closes the port,
/// and it is put in raw mode so bytes pass unchanged (no echo, no CR/LF translation).
/// </summary>
public sealed unsafe class PseudoTerminal : IDisposable
{
    private readonly int _slaveFd;
    private int _disposed;

    private PseudoTerminal(int masterFd, int slaveFd, string slavePath)
    {
        _slaveFd = slaveFd;
        SlavePath = slavePath;
        Master = new PtyMasterStream(masterFd);
    }

    /// <summary>The device a DTE opens, e.g. /dev/pts/7.</summary>
    public string SlavePath { get; }

    /// <summary>The modem's side of the line.</summary>
    public PtyMasterStream Master { get; }

    /// <summary>Opens a new pseudo-terminal in raw mode.</summary>
    public static PseudoTerminal Open()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Simulated modems on ptys need Linux.");
        }

        var master = LibC.PosixOpenpt(LibC.ORdWr | LibC.ONoCtty);
        if (master < 0)
        {
            throw PseudoTerminalException.FromErrno("posix_openpt");
        }

        try
        {
            if (LibC.Grantpt(master) != 0)
            {
                throw PseudoTerminalException.FromErrno("grantpt");
            }

            if (LibC.Unlockpt(master) != 0)
            {
                throw PseudoTerminalException.FromErrno("unlockpt");
            }

            var name = stackalloc byte[256];
            if (LibC.PtsnameR(master, name, 256) != 0)
            {
                throw PseudoTerminalException.FromErrno("ptsname_r");
            }

            var nameBytes = new ReadOnlySpan<byte>(name, 256);
            var end = nameBytes.IndexOf((byte)0);
            var path = Encoding.UTF8.GetString(end < 0 ? nameBytes : nameBytes[..end]);
            var slave = LibC.Open(path, LibC.ORdWr | LibC.ONoCtty);
            if (slave < 0)
            {
                throw PseudoTerminalException.FromErrno("open " + path);
            }

            MakeRaw(slave);
            var flags = LibC.Fcntl(master, LibC.FGetFl, 0);
            if (flags < 0 || LibC.Fcntl(master, LibC.FSetFl, flags | LibC.ONonBlock) < 0)
            {
                throw PseudoTerminalException.FromErrno("fcntl O_NONBLOCK");
            }

            return new PseudoTerminal(master, slave, path);
        }
        catch
        {
            LibC.Close(master);
            throw;
        }
    }

    private static void MakeRaw(int fd)
    {
        var termios = stackalloc byte[LibC.TermiosBufferSize];
        new Span<byte>(termios, LibC.TermiosBufferSize).Clear();
        if (LibC.Tcgetattr(fd, termios) != 0)
        {
            throw PseudoTerminalException.FromErrno("tcgetattr");
        }

        LibC.Cfmakeraw(termios);
        if (LibC.Tcsetattr(fd, LibC.TcsaNow, termios) != 0)
        {
            throw PseudoTerminalException.FromErrno("tcsetattr");
        }
    }

    /// <summary>Closes both sides: a DTE that still has the slave open gets end-of-file or EIO.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Master.Dispose();
            LibC.Close(_slaveFd);
        }
    }
}
