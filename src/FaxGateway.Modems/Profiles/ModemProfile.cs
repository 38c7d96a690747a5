using FaxGateway.Modems.Class2;
using FaxGateway.Modems.Transport;

namespace FaxGateway.Modems.Profiles;

/// <summary>The fax service class a line is driven in.</summary>
public enum FaxClass
{
    /// <summary>Class 1 (EIA-578): the DTE runs T.30.</summary>
    Class1,

    /// <summary>Class 1.0 (ITU T.31): Class 1 plus +FAR, +FCL, +FIT, +FDD.</summary>
    Class10,

    /// <summary>Class 2 (SP-2388-A): the modem runs T.30.</summary>
    Class2,

    /// <summary>Class 2.0 (TIA-592 / T.32): the modem runs T.30.</summary>
    Class20,
}

/// <summary>Which byte starts Class 2/2.0 received page data after CONNECT to +FDR.</summary>
public enum ReceiveTrigger
{
    /// <summary>DC2 (0x12): T.32 and most modems.</summary>
    Dc2,

    /// <summary>DC1 / XON (0x11): many SP-2388-A modems (HylaFAX Class2RecvDataTrigger).</summary>
    Dc1,
}

/// <summary>
/// One modem model's settings and quirks (design example 11), loaded from hardware/modems/*.json. Knob names follow
/// HylaFAX's config prototypes where one exists (named in each comment) so the public knowledge carries over.
/// </summary>
public sealed record ModemProfile
{
    /// <summary>Profile name (the file name without .json).</summary>
    public required string Name { get; init; }

    /// <summary>What the profile is for and where its quirks come from.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>How probing recognises the model; null for generic profiles.</summary>
    public ProfileMatch? Match { get; init; }

    /// <summary>The class the gateway uses on this modem.</summary>
    public FaxClass PreferredClass { get; init; } = FaxClass.Class1;

    /// <summary>DTE speed (HylaFAX ModemRate).</summary>
    public int BaudRate { get; init; } = 115200;

    /// <summary>Flow control (HylaFAX ModemFlowControl).</summary>
    public FlowControl FlowControl { get; init; } = FlowControl.RtsCts;

    /// <summary>Soft reset command (HylaFAX ModemResetCmds / ATZ).</summary>
    public string ResetCommand { get; init; } = "ATZ";

    /// <summary>Wait after a reset before the next command (HylaFAX ModemResetDelay, 2600 ms).</summary>
    public int ResetDelayMs { get; init; } = 2600;

    /// <summary>How long DTR stays down to hang up/reset (HylaFAX ModemDTRDropDelay, 75 ms).</summary>
    public int DtrDropDelayMs { get; init; } = 75;

    /// <summary>Commands sent after the reset, in order (echo off, verbose results, no auto-answer ...).</summary>
    public IReadOnlyList<string> InitCommands { get; init; } = ["ATE0V1Q0", "ATS0=0"];

    /// <summary>Hang up (HylaFAX ModemOnHookCmd).</summary>
    public string HangupCommand { get; init; } = "ATH0";

    /// <summary>Dial command; {number} is replaced by the number (HylaFAX ModemDialCmd).</summary>
    public string DialCommand { get; init; } = "ATDT{number}";

    /// <summary>Answer command (HylaFAX ModemAnswerCmd).</summary>
    public string AnswerCommand { get; init; } = "ATA";

    /// <summary>Timeout of ordinary commands.</summary>
    public int CommandTimeoutMs { get; init; } = 3000;

    /// <summary>Dial to connect (HylaFAX DialResponseTimeout).</summary>
    public int DialTimeoutMs { get; init; } = 90000;

    /// <summary>Answer to connect (HylaFAX AnswerResponseTimeout).</summary>
    public int AnswerTimeoutMs { get; init; } = 60000;

    /// <summary>
    /// Caller id (DATE=, TIME=, NMBR=, NAME=) follows the first RING. A line that answers on the first ring waits up to
    /// this long after it for the caller's number before answering; 0: no wait (answer on the ring, caller id only when
    /// it came earlier, e.g. with two or more rings before answering).
    /// </summary>
    public int CallerIdWaitMs { get; init; }

    /// <summary>The profile's wait for caller id after the first ring.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan CallerIdWait => TimeSpan.FromMilliseconds(CallerIdWaitMs);

    /// <summary>Class 1 / 1.0 settings.</summary>
    public Class1Settings Class1 { get; init; } = new();

    /// <summary>Class 2 / 2.0 settings.</summary>
    public Class2Settings Class2 { get; init; } = new();

    /// <summary>The profile's command timeout.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan CommandTimeout => TimeSpan.FromMilliseconds(CommandTimeoutMs);
}

/// <summary>Regular expressions (case-insensitive) that identify a model from its probe answers; all given ones must match.</summary>
public sealed record ProfileMatch
{
    /// <summary>Matched against +FMI?/+FMFR? (manufacturer).</summary>
    public string? Manufacturer { get; init; }

    /// <summary>Matched against +FMM?/+FMDL? (model).</summary>
    public string? Model { get; init; }

    /// <summary>Matched against ATI and ATI3 output.</summary>
    public string? Ati { get; init; }
}

/// <summary>Class 1 / 1.0 knobs (HylaFAX config/class1 names in the comments).</summary>
public sealed record Class1Settings
{
    /// <summary>Enter Class 1 (HylaFAX Class1Cmd); "AT+FCLASS=1.0" for T.31 modems that need it.</summary>
    public string ClassCommand { get; init; } = "AT+FCLASS=1";

    /// <summary>Silence before transmitting after receiving (Class1SwitchingCmd): T.30 5.3.2.4's 75 ms turnaround.</summary>
    public string SwitchingCommand { get; init; } = "AT+FRS=7";

    /// <summary>Before TCF (Class1TCFWaitCmd).</summary>
    public string TcfWaitCommand { get; init; } = "AT+FTS=7";

    /// <summary>Before a post-page message (Class1PPMWaitCmd).</summary>
    public string PpmWaitCommand { get; init; } = "AT+FTS=7";

    /// <summary>Before EOP (Class1EOPWaitCmd).</summary>
    public string EopWaitCommand { get; init; } = "AT+FTS=9";

    /// <summary>Turnaround delay kept by the DTE when <see cref="SwitchingCommand"/> is empty (T.30 5.3.2.4: 75 ms ±20).</summary>
    public int TurnaroundMs { get; init; } = 75;

    /// <summary>Wait after CONNECT to +FTM before sending data, for modems that answer before training ends (Class1TMConnectDelay; iaxmodem 400).</summary>
    public int TmConnectDelayMs { get; init; }

    /// <summary>How long to wait for OK after aborting a receive (Class1RecvAbortOK, 200 ms); 0 = modem never answers.</summary>
    public int RecvAbortOkMs { get; init; } = 200;

    /// <summary>Retries of +FRM after +FCERROR before giving up (Class1RMPersistence, 2).</summary>
    public int RmPersistence { get; init; } = 2;

    /// <summary>+FRH=3 wait for a frame (T.30 T4-like, 3 s; Class1FrameTimeout-ish).</summary>
    public int FrameTimeoutMs { get; init; } = 3000;

    /// <summary>+FRM wait for the high-speed carrier (T.30 T2-like, 6 s).</summary>
    public int CarrierTimeoutMs { get; init; } = 6000;

    /// <summary>Gap in received data that counts as a lost carrier (the modem's own 5 s DTE timeout is the model).</summary>
    public int DataTimeoutMs { get; init; } = 5000;

    /// <summary>True when +FRH frames end with the two FCS octets (Class1FrameOverhead 4); false for modems that strip them (2).</summary>
    public bool FramesIncludeFcs { get; init; } = true;

    /// <summary>The modem does not double DLE in received V.21 data (Class1ModemHasDLEBug).</summary>
    public bool DleBug { get; init; }

    /// <summary>The modem reports +FCERROR spuriously to +FRH=3 (an early-CONNECT/USB quirk): ask +FRH=3 once more before reporting it.</summary>
    public bool SpuriousFcError { get; init; }

    /// <summary>Use T.31 adaptive reception (+FAR=1) when the modem has it.</summary>
    public bool AdaptiveReception { get; init; }

    /// <summary>Carrier codes the modem offers; empty = ask +FTM=?.</summary>
    public IReadOnlyList<int> Modulations { get; init; } = [];
}

/// <summary>Class 2 / 2.0 knobs (HylaFAX config/class2 and class2.0 names in the comments).</summary>
public sealed record Class2Settings
{
    /// <summary>The dialect; null = from <see cref="ModemProfile.PreferredClass"/>.</summary>
    public Class2Dialect? Dialect { get; init; }

    /// <summary>+FBO/+FBOR value (Class2BORCmd): 0 direct, 1 reversed Phase C, 2 reversed B/D, 3 both.</summary>
    public int BitOrder { get; init; }

    /// <summary>Trigger byte after CONNECT to +FDR (Class2RecvDataTrigger).</summary>
    public ReceiveTrigger ReceiveTrigger { get; init; } = ReceiveTrigger.Dc2;

    /// <summary>Wait for XON before page data (Class2XmitWaitForXON); null = true for Class 2, false for 2.0.</summary>
    public bool? XmitWaitForXon { get; init; }

    /// <summary>Received Phase C bytes come bit-reversed whatever +FBO says (Rockwell trap; HylaFAX ModemRecvFillOrder).</summary>
    public bool ReceiveDataReversed { get; init; }

    /// <summary>Ask AT+FPS? after a sent page to tell MCF from RTP (some modems only say OK).</summary>
    public bool QueryPageStatus { get; init; }

    /// <summary>Capabilities for +FCC/+FDCC: VR,BR,WD,LN,DF,EC,BF,ST (Class2DCCCmd).</summary>
    public string Capabilities { get; init; } = "1,5,0,2,0,0,0,0";

    /// <summary>Phase C timeout in seconds (+FCT / +FPHCTO).</summary>
    public int PhaseCTimeoutS { get; init; } = 30;

    /// <summary>Extra commands after entering the class (+FNR, +FLO, vendor settings).</summary>
    public IReadOnlyList<string> InitCommands { get; init; } = [];

    /// <summary>Wait for the post-page response after the end of page data.</summary>
    public int PageDoneTimeoutMs { get; init; } = 180000;
}
