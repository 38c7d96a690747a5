namespace FaxGateway.Protocol.Session;

/// <summary>
/// Session states, named after the nodes of the T.30 flowcharts (Figure 5-2; the same names spandsp's
/// t30.c uses): T/D/I/II/IV on the transmitting side, R/F/III on the receiving side, B/C for release.
/// </summary>
public enum T30State
{
    /// <summary>Not started.</summary>
    Idle,

    // ---- transmitting station (phase B) ----
    /// <summary>T: caller waiting for DIS (T1), also after EOM.</summary>
    T,
    /// <summary>D: TSI/DCS being sent.</summary>
    D,
    /// <summary>D: TCF being sent.</summary>
    D_Tcf,
    /// <summary>D: waiting for CFR/FTT (T4).</summary>
    D_PostTcf,

    // ---- transmitting station (phases C and D) ----
    /// <summary>I: page being sent (non-ECM phase C).</summary>
    I,
    /// <summary>II_Q: post-page message sent, waiting for MCF/RTP/RTN/PIP/PIN (T4).</summary>
    II_Q,
    /// <summary>IV: ECM partial page being sent.</summary>
    IV,
    /// <summary>IV: PPS sent, waiting for MCF/PPR/RNR (T4).</summary>
    IV_Pps_Q,
    /// <summary>IV: RR sent after RNR to a PPS, waiting (T4, bounded by T5).</summary>
    IV_Pps_Rnr,
    /// <summary>IV: CTC sent after four PPRs, waiting for CTR (T4).</summary>
    IV_Ctc,
    /// <summary>IV: EOR sent, waiting for ERR (T4).</summary>
    IV_Eor,
    /// <summary>IV: RR sent after RNR to an EOR (T4, bounded by T5).</summary>
    IV_Eor_Rnr,

    // ---- polling caller ----
    /// <summary>CIG/DTC sent, waiting for the polled station's TSI/DCS (T4).</summary>
    T_Dtc,

    // ---- receiving station (phase B) ----
    /// <summary>R: answering: NSF/CSI/DIS sent, waiting for DCS (T4, DIS repeated until T1).</summary>
    R,
    /// <summary>F: waiting for a command (T2) after FTT, RTN or RTP.</summary>
    F,
    /// <summary>F: receiving TCF.</summary>
    F_Tcf,
    /// <summary>F: CFR being sent.</summary>
    F_Cfr,
    /// <summary>F: FTT being sent.</summary>
    F_Ftt,

    // ---- receiving station (phases C and D) ----
    /// <summary>F: receiving a non-ECM page.</summary>
    F_DocNonEcm,
    /// <summary>F: page ended, waiting for the post-page message (T2).</summary>
    F_PostDocNonEcm,
    /// <summary>F: receiving ECM frames of a partial page.</summary>
    F_DocEcm,
    /// <summary>F: RCP seen, waiting for PPS/EOR/CTC/RR (T2).</summary>
    F_PostDocEcm,
    /// <summary>III_Q: MCF being sent (non-ECM).</summary>
    III_Q_Mcf,
    /// <summary>III_Q: RTP being sent.</summary>
    III_Q_Rtp,
    /// <summary>III_Q: RTN being sent.</summary>
    III_Q_Rtn,
    /// <summary>F: MCF (or ERR) being sent after a partial page.</summary>
    F_PostRcpMcf,
    /// <summary>F: PPR being sent.</summary>
    F_PostRcpPpr,
    /// <summary>F: RNR being sent.</summary>
    F_PostRcpRnr,
    /// <summary>F: CTR being sent.</summary>
    F_Ctr,

    // ---- release ----
    /// <summary>B: last page confirmed, waiting for DCN (T2).</summary>
    B,
    /// <summary>C: DCN being sent (phase E).</summary>
    C,
    /// <summary>The call is over; <see cref="T30Session.Result"/> is set.</summary>
    CallFinished,
}

/// <summary>Carrier events a driver can report.</summary>
public enum FaxCarrier
{
    /// <summary>V.21 channel 2 (HDLC flags): CONNECT to +FRH, or +FCERROR to +FRM.</summary>
    V21,
    /// <summary>The high-speed carrier of phase C / TCF.</summary>
    HighSpeed,
}
