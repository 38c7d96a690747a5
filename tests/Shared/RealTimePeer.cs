using System.ComponentModel;
using System.Diagnostics;

namespace FaxGateway.TestSupport;

/// <summary>
/// Real-time peers (spandsp's DSP in iaxmodem, efax feeding a modem page data) miss their deadlines when the
/// machine is busy: a starved efax underruns the modem mid-page ("flow control did not work"). Where the tests
/// run as root (CI does), they run ahead of ordinary work, as a fax host runs its modem drivers; elsewhere they
/// are left as they are. One source file, linked into each test project that starts such peers.
/// </summary>
internal static class RealTimePeer
{
    public static void RaisePriority(Process process)
    {
        try
        {
            process.PriorityClass = ProcessPriorityClass.High;
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Not root, or the process has already ended: it runs at normal priority.
        }
    }
}
