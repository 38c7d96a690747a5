namespace FaxGateway.Simulator.Modem;

/// <summary>V.250/T.31 final result codes with their numeric (ATV0) forms, as in spandsp's <c>at_interpreter.c</c> table.</summary>
internal enum ResultCode
{
    Ok,
    Connect,
    Ring,
    NoCarrier,
    Error,
    NoDialTone,
    Busy,
    NoAnswer,
    FcError,
}

internal static class ResultCodes
{
    public static string Verbose(ResultCode code) => code switch
    {
        ResultCode.Ok => "OK",
        ResultCode.Connect => "CONNECT",
        ResultCode.Ring => "RING",
        ResultCode.NoCarrier => "NO CARRIER",
        ResultCode.Error => "ERROR",
        ResultCode.NoDialTone => "NO DIALTONE",
        ResultCode.Busy => "BUSY",
        ResultCode.NoAnswer => "NO ANSWER",
        _ => "+FCERROR",
    };

    public static string Numeric(ResultCode code) => code switch
    {
        ResultCode.Ok => "0",
        ResultCode.Connect => "1",
        ResultCode.Ring => "2",
        ResultCode.NoCarrier => "3",
        ResultCode.Error => "4",
        ResultCode.NoDialTone => "6",
        ResultCode.Busy => "7",
        ResultCode.NoAnswer => "8",
        _ => "+F4",
    };
}
