using System.Runtime.InteropServices;

namespace FaxGateway.Protocol.Tests.Interop;

/// <summary>
/// P/Invoke into spandsp's own T.30 terminal (Debian libspandsp2, 0.0.6): an independent T.30
/// implementation used as the far end of our engine. Signatures from spandsp/t30.h and t30_api.h.
/// </summary>
internal static partial class SpandspT30
{
    public const string Library = "libspandsp.so.2";

    public const int ModemNone = 0;
    public const int ModemPause = 1;
    public const int ModemCed = 2;
    public const int ModemCng = 3;
    public const int ModemV21 = 4;
    public const int ModemV27ter = 5;
    public const int ModemV29 = 6;
    public const int ModemV17 = 7;
    public const int ModemDone = 9;

    public const int FrontEndSendStepComplete = 0;
    public const int FrontEndReceiveComplete = 1;

    public const int SigStatusCarrierDown = -1;
    public const int SigStatusCarrierUp = -2;
    public const int SigStatusTrainingSucceeded = -4;

    public const int SupportV27ter = 0x01;
    public const int SupportV29 = 0x02;
    public const int SupportV17 = 0x04;

    public const int SupportT4OneD = 0x02;
    public const int SupportT4TwoD = 0x04;
    public const int SupportT6 = 0x08;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void SetHandler(IntPtr userData, int type, int bitRate, int shortTrain, int useHdlc);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void SendHdlcHandler(IntPtr userData, IntPtr msg, int len);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void PhaseEHandler(IntPtr state, IntPtr userData, int completionCode);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void MessageHandler(int level, IntPtr text);

    [DllImport(Library)]
    public static extern IntPtr t30_init(IntPtr s, int callingParty, SetHandler setRx, IntPtr rxUser, SetHandler setTx, IntPtr txUser, SendHdlcHandler sendHdlc, IntPtr hdlcUser);

    [DllImport(Library)]
    public static extern int t30_free(IntPtr s);

    [DllImport(Library)]
    public static extern int t30_call_active(IntPtr s);

    [DllImport(Library)]
    public static extern void t30_front_end_status(IntPtr userData, int status);

    [DllImport(Library)]
    public static extern int t30_non_ecm_get_chunk(IntPtr userData, byte[] buf, int maxLen);

    [DllImport(Library)]
    public static extern void t30_non_ecm_put_chunk(IntPtr userData, byte[] buf, int len);

    [DllImport(Library)]
    public static extern void t30_non_ecm_put_bit(IntPtr userData, int bit);

    [DllImport(Library)]
    public static extern void t30_hdlc_accept(IntPtr userData, byte[]? msg, int len, int ok);

    [DllImport(Library)]
    public static extern void t30_timer_update(IntPtr s, int samples);

    [DllImport(Library)]
    public static extern void t30_get_transfer_statistics(IntPtr s, int[] stats);

    [DllImport(Library)]
    public static extern int t30_set_tx_ident(IntPtr s, [MarshalAs(UnmanagedType.LPUTF8Str)] string id);

    [DllImport(Library)]
    public static extern IntPtr t30_get_rx_ident(IntPtr s);

    [DllImport(Library)]
    public static extern void t30_set_rx_file(IntPtr s, [MarshalAs(UnmanagedType.LPUTF8Str)] string file, int stopPage);

    [DllImport(Library)]
    public static extern void t30_set_tx_file(IntPtr s, [MarshalAs(UnmanagedType.LPUTF8Str)] string file, int startPage, int stopPage);

    [DllImport(Library)]
    public static extern int t30_set_ecm_capability(IntPtr s, int enabled);

    [DllImport(Library)]
    public static extern int t30_set_supported_modems(IntPtr s, int modems);

    [DllImport(Library)]
    public static extern int t30_set_supported_compressions(IntPtr s, int compressions);

    [DllImport(Library)]
    public static extern void t30_set_phase_e_handler(IntPtr s, PhaseEHandler handler, IntPtr userData);

    [DllImport(Library)]
    public static extern IntPtr t30_get_logging_state(IntPtr s);

    [DllImport(Library)]
    public static extern int span_log_set_level(IntPtr logging, int level);

    [DllImport(Library)]
    public static extern void span_log_set_message_handler(IntPtr logging, MessageHandler handler);
}
