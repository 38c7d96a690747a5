namespace FaxGateway.Modems.Class2;

/// <summary>The result of dialling or answering in Class 2/2.0: the outcome and what the modem reported about the remote.</summary>
public sealed record Class2CallResult(CallOutcome Outcome, string ResultText, IReadOnlyList<Class2Report> Reports)
{
    /// <summary>True when the fax session is up.</summary>
    public bool Connected => Outcome == CallOutcome.Connected;

    /// <summary>The hangup report when the modem ended the session during call setup.</summary>
    public Class2HangupStatus? Hangup => Reports.OfType<Class2HangupReport>().LastOrDefault()?.Status;
}

/// <summary>The result of sending one page.</summary>
public sealed record Class2PageResult(Class2PageResponse Response, Class2HangupStatus? Hangup, IReadOnlyList<Class2Report> Reports)
{
    /// <summary>True when the receiver confirmed the page (MCF, RTP or PIP).</summary>
    public bool Confirmed => Response is Class2PageResponse.Mcf or Class2PageResponse.Rtp or Class2PageResponse.Pip;
}

/// <summary>One received page: data MSB-first as held in memory, the modem's quality report and the sender's post-page message.</summary>
public sealed record Class2ReceivedPage(byte[] Data, Class2PageStatusReport? Status, Class2PostPageMessage? Message, Class2SessionParameters? Session, IReadOnlyList<Class2Report> Reports)
{
    /// <summary>True when the sender said this was the last page (EOP).</summary>
    public bool IsLast => Message is Class2PostPageMessage.Eop or Class2PostPageMessage.PriEop;
}
