namespace FaxGateway.Core.Twilio;

/// <summary>
/// Twilio error codes the gateway reports (spec twiml-fax.md 5.4 and 8 for the fax ones; the TwiML/HTTP ones are
/// Twilio's public codes for the same failures, since the spec found none specific to fax: open question 9).
/// </summary>
public static class TwilioErrorCodes
{
    /// <summary>Callee busy.</summary>
    public const int Busy = 34002;

    /// <summary>Callee did not answer.</summary>
    public const int NoAnswer = 34003;

    /// <summary>Error during transmission: T.30 failure, bad line, remote hang-up mid-page.</summary>
    public const int TransmissionError = 34004;

    /// <summary>Valid TwiML without a <c>&lt;Receive&gt;</c> or <c>&lt;Reject&gt;</c> verb.</summary>
    public const int NoFaxTwimlAction = 34106;

    /// <summary>The TwiML URL answered with a non-2xx status or could not be fetched.</summary>
    public const int HttpRetrievalFailure = 11200;

    /// <summary>The TwiML URL could not be connected to (refused, timed out).</summary>
    public const int HttpConnectionFailure = 11205;

    /// <summary>The TwiML answer exceeds the size limit.</summary>
    public const int ResponseBodyTooLarge = 11750;

    /// <summary>The TwiML document is not well-formed or not valid fax TwiML.</summary>
    public const int DocumentParseFailure = 12100;

    /// <summary>The MediaUrl of a CreateFax could not be fetched or is not a fax document.</summary>
    public const int MediaFetchFailure = 11200;

    /// <summary>REST: a parameter is missing or invalid (generic).</summary>
    public const int InvalidParameter = 20001;

    /// <summary>REST: invalid 'To' number.</summary>
    public const int InvalidTo = 21211;

    /// <summary>REST: invalid 'From' number (not a number of the account).</summary>
    public const int InvalidFrom = 21212;

    /// <summary>REST: invalid MediaUrl.</summary>
    public const int InvalidMediaUrl = 21620;

    /// <summary>REST: the request conflicts with the resource's state (e.g. cancel while sending).</summary>
    public const int Conflict = 20409;

    /// <summary>REST: authentication failed.</summary>
    public const int AuthenticationFailed = 20003;

    /// <summary>REST: resource not found.</summary>
    public const int NotFound = 20404;
}
