namespace FaxGateway.Core.Lines;

/// <summary>
/// The T.30 trace of each call (frames and modem commands with their times), kept by session id so that an
/// admin can read what happened on a fax that failed (API: <c>GET /v3/accounts/{uid}/faxes/{id}/trace</c>;
/// CLI: <c>faxgw trace FAXID</c>).
/// </summary>
public interface ICallTraceStore
{
    Task SaveAsync(string sessionId, string trace, CancellationToken cancellationToken);

    /// <summary>The trace of <paramref name="sessionId"/>, or null when none was kept.</summary>
    Task<string?> ReadAsync(string sessionId, CancellationToken cancellationToken);
}
