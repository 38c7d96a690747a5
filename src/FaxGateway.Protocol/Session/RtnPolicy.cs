namespace FaxGateway.Protocol.Session;

/// <summary>What the sender does when the receiver rejects a page with RTN (HylaFAX <c>RTNHandlingMethod</c>).</summary>
public enum RtnPolicy
{
    /// <summary>Retrain at a lower rate and send the page again (up to <see cref="T30SessionOptions.MaxPageAttempts"/>).</summary>
    Retransmit,
    /// <summary>Disconnect: the page and the rest of the document are not sent.</summary>
    GiveUp,
    /// <summary>Retrain and go on with the next page; the page is reported as not confirmed.</summary>
    Ignore,
}
