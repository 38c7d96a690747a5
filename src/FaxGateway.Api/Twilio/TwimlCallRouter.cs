using System.Globalization;
using FaxGateway.Core.Twilio;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Api.Twilio;

/// <summary>An incoming call to route.</summary>
public sealed record TwimlCall(string FaxSid, TwilioCredentials Account, string From, string To, TwilioNumberRouting Routing);

/// <summary>What to do with an incoming call.</summary>
public abstract record TwimlRoutingDecision;

/// <summary>Answer and receive; <see cref="DocumentUrl"/> is the URL that returned the TwiML (relative actions resolve against it).</summary>
public sealed record TwimlRouteReceive(TwimlReceive Receive, Uri DocumentUrl) : TwimlRoutingDecision
{
    /// <summary>The resolved action URL, or null when the app asked for no callback.</summary>
    public Uri? ActionUrl => Receive.ResolveAction(DocumentUrl);
}

/// <summary>Do not answer; the fax ends <c>canceled</c>.</summary>
public sealed record TwimlRouteReject(string? Reason) : TwimlRoutingDecision;

/// <summary>Neither URL gave usable TwiML: do not answer, the fax ends <c>failed</c> with this error.</summary>
public sealed record TwimlRouteFail(int ErrorCode, string ErrorMessage) : TwimlRoutingDecision;

/// <summary>Final state of a received fax, for the <c>&lt;Receive action&gt;</c> callback (spec section 4).</summary>
public sealed record TwimlReceiveOutcome(
    string FaxStatus,
    int? NumPages,
    string? RemoteStationId,
    string? MediaUrl,
    int? ErrorCode,
    string? ErrorMessage);

/// <summary>
/// The inbound half of the Twilio face: asks the number's FaxUrl (then its fallback) what to do with a call, and
/// reports the result to the <c>&lt;Receive action&gt;</c> URL afterwards. Every request is signed with the account's token
/// and shares the number pair's cookie jar.
/// </summary>
public sealed partial class TwimlCallRouter
{
    /// <summary>The fixed API version parameter.</summary>
    public const string ApiVersion = "v1";

    private readonly TwilioWebhookClient _client;
    private readonly TwilioWebhookSessions _sessions;
    private readonly TwimlParserOptions _parserOptions;
    private readonly ILogger<TwimlCallRouter> _logger;

    /// <summary>Creates the router.</summary>
    public TwimlCallRouter(TwilioWebhookClient client, TwilioWebhookSessions sessions, TwimlParserOptions parserOptions, ILogger<TwimlCallRouter> logger)
    {
        _client = client;
        _sessions = sessions;
        _parserOptions = parserOptions;
        _logger = logger;
    }

    /// <summary>The five parameters of the first request (spec 2.1).</summary>
    public static List<KeyValuePair<string, string>> BaseParameters(string faxSid, string accountSid, string from, string to) =>
    [
        new("FaxSid", faxSid),
        new("AccountSid", accountSid),
        new("From", from),
        new("To", to),
        new("ApiVersion", ApiVersion),
    ];

    /// <summary>Fetches the TwiML for <paramref name="call"/>: FaxUrl, then the fallback URL; never throws for the tenant's faults.</summary>
    public async Task<TwimlRoutingDecision> RouteAsync(TwimlCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var parameters = BaseParameters(call.FaxSid, call.Account.AccountSid, call.From, call.To);
        var session = _sessions.For(call.Account.AccountSid, call.From, call.To);

        var (decision, primaryError) = await TryUrlAsync(call, call.Routing.FaxUrl, call.Routing.FaxMethod, parameters, session, cancellationToken).ConfigureAwait(false);
        if (decision is not null)
        {
            return decision;
        }

        LogTwimlFailed(_logger, call.FaxSid, "fax URL", primaryError!.ErrorCode, primaryError.ErrorMessage);
        if (string.IsNullOrWhiteSpace(call.Routing.FallbackUrl))
        {
            return primaryError;
        }

        var (fallback, fallbackError) = await TryUrlAsync(call, call.Routing.FallbackUrl, call.Routing.FallbackMethod, parameters, session, cancellationToken).ConfigureAwait(false);
        if (fallback is not null)
        {
            return fallback;
        }

        LogTwimlFailed(_logger, call.FaxSid, "fallback URL", fallbackError!.ErrorCode, fallbackError.ErrorMessage);

        // The primary's error is the one the tenant has to fix; the fallback's is added for the record.
        return primaryError with { ErrorMessage = primaryError.ErrorMessage + "; fallback: " + fallbackError.ErrorMessage };
    }

    /// <summary>Sends the <c>&lt;Receive action&gt;</c> callback; true when the app answered 2xx (then media with storeMedia=false may go).</summary>
    public async Task<bool> SendActionAsync(TwimlCall call, TwimlRouteReceive route, TwimlReceiveOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(outcome);
        Uri? action;
        try
        {
            action = route.ActionUrl;
        }
        catch (TwimlException ex)
        {
            LogActionFailed(_logger, call.FaxSid, ex.Message);
            return false;
        }

        if (action is null)
        {
            return false;
        }

        try
        {
            await SendCallbackAsync(action.OriginalString, route.Receive.Method, ActionParameters(call, outcome), call.Account, call.From, call.To, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TwilioWebhookException ex)
        {
            LogActionFailed(_logger, call.FaxSid, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Sends one callback of a call (the <c>&lt;Receive action&gt;</c>) as Twilio does: signed per hop with the account's
    /// token, in the cookie jar of the account's <paramref name="from"/>/<paramref name="to"/> pair (shared with the
    /// FaxUrl request), the answer body ignored. Throws <see cref="TwilioWebhookException"/> when it got no 2xx.
    /// </summary>
    public async Task SendCallbackAsync(
        string url, TwimlMethod method, IReadOnlyList<KeyValuePair<string, string>> parameters, TwilioCredentials account, string from, string to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        await _client.SendAsync(
            new TwilioWebhookRequest
            {
                Url = url,
                Method = method,
                Parameters = parameters,
                AuthToken = account.AuthToken,
                Session = _sessions.For(account.AccountSid, from, to),
                ReadBody = false,
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The action callback's parameters (spec section 4).</summary>
    public static List<KeyValuePair<string, string>> ActionParameters(TwimlCall call, TwimlReceiveOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ActionParameters(call.FaxSid, call.Account.AccountSid, call.From, call.To, outcome);
    }

    /// <summary>The action callback's parameters (spec section 4) for a fax of <paramref name="accountSid"/>.</summary>
    public static List<KeyValuePair<string, string>> ActionParameters(string faxSid, string accountSid, string from, string to, TwimlReceiveOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var parameters = BaseParameters(faxSid, accountSid, from, to);
        parameters.Add(new("FaxStatus", outcome.FaxStatus));
        if (!string.IsNullOrEmpty(outcome.RemoteStationId))
        {
            parameters.Add(new("RemoteStationId", outcome.RemoteStationId));
        }

        if (outcome.NumPages is { } pages)
        {
            parameters.Add(new("NumPages", pages.ToString(CultureInfo.InvariantCulture)));
        }

        if (!string.IsNullOrEmpty(outcome.MediaUrl))
        {
            parameters.Add(new("MediaUrl", outcome.MediaUrl));
        }

        if (outcome.ErrorCode is { } code)
        {
            parameters.Add(new("ErrorCode", code.ToString(CultureInfo.InvariantCulture)));
            parameters.Add(new("ErrorMessage", outcome.ErrorMessage ?? string.Empty));
        }

        return parameters;
    }

    private async Task<(TwimlRoutingDecision? Decision, TwimlRouteFail? Error)> TryUrlAsync(
        TwimlCall call, string url, TwimlMethod method, IReadOnlyList<KeyValuePair<string, string>> parameters, TwilioWebhookSession session, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.SendAsync(
                new TwilioWebhookRequest
                {
                    Url = url,
                    Method = method,
                    Parameters = parameters,
                    AuthToken = call.Account.AuthToken,
                    Session = session,
                    MaxResponseBytes = _parserOptions.MaxBytes,
                    Accept = "text/xml, application/xml, */*;q=0.5",
                },
                cancellationToken).ConfigureAwait(false);
            using var body = new MemoryStream(response.Body, writable: false);
            return TwimlParser.Parse(body, _parserOptions) switch
            {
                TwimlReceive receive => (new TwimlRouteReceive(receive, response.FinalUrl), null),
                TwimlReject reject => (new TwimlRouteReject(reject.Reason), null),
                _ => (null, new TwimlRouteFail(TwilioErrorCodes.NoFaxTwimlAction, "No Fax TwiML action specified")),
            };
        }
        catch (TwilioWebhookException ex)
        {
            return (null, new TwimlRouteFail(ex.ErrorCode, ex.Message));
        }
        catch (TwimlException ex)
        {
            return (null, new TwimlRouteFail(ex.ErrorCode, ex.Message));
        }
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Fax {FaxSid}: TwiML from the {Which} failed with {ErrorCode}: {ErrorMessage}")]
    private static partial void LogTwimlFailed(ILogger logger, string faxSid, string which, int errorCode, string errorMessage);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Fax {FaxSid}: <Receive action> callback failed: {ErrorMessage}")]
    private static partial void LogActionFailed(ILogger logger, string faxSid, string errorMessage);
}
