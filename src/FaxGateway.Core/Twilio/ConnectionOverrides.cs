using System.Globalization;

namespace FaxGateway.Core.Twilio;

/// <summary>Which failures a webhook request is retried on (<c>rp</c> override; spec 6.1 and open question 5).</summary>
[Flags]
public enum WebhookRetryPolicy
{
    /// <summary>Never retried.</summary>
    None = 0,

    /// <summary>Connect failure or connect timeout (the default).</summary>
    ConnectFailure = 1,

    /// <summary>Read timeout.</summary>
    ReadTimeout = 2,

    /// <summary>A 4xx answer.</summary>
    ClientError = 4,

    /// <summary>A 5xx answer.</summary>
    ServerError = 8,

    /// <summary>Everything above.</summary>
    All = ConnectFailure | ReadTimeout | ClientError | ServerError,
}

/// <summary>
/// Twilio's connection overrides carried in the URL fragment (<c>#ct=2000&amp;rc=3</c>, spec 6.1). The fragment is never
/// sent nor signed. Values outside their documented range are clamped; unknown keys and <c>e</c> are ignored.
/// </summary>
public sealed record ConnectionOverrides
{
    /// <summary>Twilio's defaults: connect 5 s, read 15 s, total 15 s, one retry on connect failure.</summary>
    public static ConnectionOverrides Default { get; } = new();

    /// <summary><c>ct</c>: connect timeout, 100–10000 ms.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMilliseconds(5000);

    /// <summary><c>rt</c>: read timeout (to the answer and between packets), 100–15000 ms.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMilliseconds(15000);

    /// <summary><c>tt</c>: total time including retries, 100–15000 ms.</summary>
    public TimeSpan TotalTime { get; init; } = TimeSpan.FromMilliseconds(15000);

    /// <summary><c>rc</c>: retry count, 0–5.</summary>
    public int RetryCount { get; init; } = 1;

    /// <summary><c>rp</c>: which failures are retried.</summary>
    public WebhookRetryPolicy RetryPolicy { get; init; } = WebhookRetryPolicy.ConnectFailure;

    /// <summary><c>sni</c>: send TLS SNI (on by default).</summary>
    public bool Sni { get; init; } = true;

    /// <summary>Reads the overrides from the URL's fragment; a URL without fragment gives the defaults.</summary>
    public static ConnectionOverrides FromUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? Default : Parse(url[(hash + 1)..]);
    }

    /// <summary>Parses <c>key=value&amp;key=value</c>.</summary>
    public static ConnectionOverrides Parse(string fragment) => Parse(fragment, Default);

    /// <summary>Parses <c>key=value&amp;key=value</c> on top of <paramref name="baseline"/> (e.g. longer limits for media downloads).</summary>
    public static ConnectionOverrides Parse(string fragment, ConnectionOverrides baseline)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        ArgumentNullException.ThrowIfNull(baseline);
        var result = baseline;
        foreach (var pair in fragment.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var key = pair[..eq];
            var value = Uri.UnescapeDataString(pair[(eq + 1)..]);
            var number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
            result = key switch
            {
                "ct" when number is { } ms => result with { ConnectTimeout = TimeSpan.FromMilliseconds(Math.Clamp(ms, 100, 10000)) },
                "rt" when number is { } ms => result with { ReadTimeout = TimeSpan.FromMilliseconds(Math.Clamp(ms, 100, 15000)) },
                "tt" when number is { } ms => result with { TotalTime = TimeSpan.FromMilliseconds(Math.Clamp(ms, 100, 15000)) },
                "rc" when number is { } count => result with { RetryCount = Math.Clamp(count, 0, 5) },
                "rp" => result with { RetryPolicy = ParsePolicy(value) },
                "sni" => result with { Sni = !(value is "n" or "no" or "off" or "false" or "0") },
                _ => result,
            };
        }

        return result;
    }

    private static WebhookRetryPolicy ParsePolicy(string value)
    {
        var policy = WebhookRetryPolicy.None;
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            policy |= item switch
            {
                "ct" => WebhookRetryPolicy.ConnectFailure,
                "rt" => WebhookRetryPolicy.ReadTimeout,
                "4xx" => WebhookRetryPolicy.ClientError,
                "5xx" => WebhookRetryPolicy.ServerError,
                "all" => WebhookRetryPolicy.All,
                _ => WebhookRetryPolicy.None,
            };
        }

        return policy;
    }
}
