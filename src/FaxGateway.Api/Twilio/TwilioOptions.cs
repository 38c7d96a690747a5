using FaxGateway.Core.Twilio;

namespace FaxGateway.Api.Twilio;

/// <summary>Which status changes of an outbound fax cause a StatusCallback (spec 5.5).</summary>
public enum TwilioStatusCallbackMode
{
    /// <summary>One per transition: queued, processing, sending, final.</summary>
    EveryChange,

    /// <summary>Twilio's other documented behaviour: queued, then the final status.</summary>
    QueuedAndFinal,
}

/// <summary>The Twilio face (configuration section <c>Twilio</c>).</summary>
public sealed class TwilioOptions
{
    public const string SectionName = "Twilio";

    /// <summary>Base URL the gateway is reached at by tenant apps (for MediaUrl, <c>url</c>, <c>links</c>); the request's own base when unset.</summary>
    public string? PublicBaseUrl { get; set; }

    public TwilioStatusCallbackMode StatusCallbacks { get; set; } = TwilioStatusCallbackMode.EveryChange;

    /// <summary>Spec 3.1's switch: an attribute value outside its set falls back to the default instead of failing the fax.</summary>
    public bool LenientTwimlAttributes { get; set; }

    /// <summary>Largest TwiML answer.</summary>
    public int MaxTwimlBytes { get; set; } = TwimlParser.DefaultMaxBytes;

    /// <summary>Largest MediaUrl document.</summary>
    public long MaxMediaBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Total time of a MediaUrl download.</summary>
    public TimeSpan MediaTotalTime { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How often outbound faxes are checked for status changes when nothing woke the worker.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Run the outbound and inbound workers in the background (tests drive them step by step instead).</summary>
    public bool BackgroundWorkers { get; set; } = true;

    /// <summary>Per-number routing set from configuration (applied to storage at start); the CLI writes the same table.</summary>
    public IList<TwilioNumberOptions> Numbers { get; } = [];

    public IEnumerable<string> Validate()
    {
        if (PublicBaseUrl is { Length: > 0 } b && !(Uri.TryCreate(b, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)))
        {
            yield return "Twilio:PublicBaseUrl must be an absolute http(s) URL.";
        }

        if (MaxTwimlBytes < 256 || MaxMediaBytes < 1024 || MediaTotalTime <= TimeSpan.Zero || PollInterval <= TimeSpan.Zero)
        {
            yield return "Twilio: MaxTwimlBytes >= 256, MaxMediaBytes >= 1024 and positive MediaTotalTime/PollInterval are required.";
        }

        foreach (var number in Numbers)
        {
            foreach (var error in number.Validate())
            {
                yield return error;
            }
        }
    }
}

/// <summary>One number's TwiML routing in configuration.</summary>
public sealed class TwilioNumberOptions
{
    public string Number { get; set; } = "";
    public string FaxUrl { get; set; } = "";
    public string FaxMethod { get; set; } = "POST";
    public string? FallbackUrl { get; set; }
    public string FallbackMethod { get; set; } = "POST";

    public IEnumerable<string> Validate()
    {
        if (!TwilioUrls.IsHttpUrl(FaxUrl))
        {
            yield return $"Twilio:Numbers: FaxUrl of {Number} must be an absolute http(s) URL.";
        }

        if (FallbackUrl is { Length: > 0 } && !TwilioUrls.IsHttpUrl(FallbackUrl))
        {
            yield return $"Twilio:Numbers: FallbackUrl of {Number} must be an absolute http(s) URL.";
        }

        if (!TwilioUrls.TryParseMethod(FaxMethod, out _) || !TwilioUrls.TryParseMethod(FallbackMethod, out _))
        {
            yield return $"Twilio:Numbers: methods of {Number} must be GET or POST.";
        }
    }
}

/// <summary>URL and method checks shared by configuration, CLI and REST.</summary>
public static class TwilioUrls
{
    public static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) && u.Host.Length > 0;

    public static bool TryParseMethod(string? text, out TwimlMethod method)
    {
        method = TwimlMethod.Post;
        if (string.Equals(text, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(text, "GET", StringComparison.OrdinalIgnoreCase))
        {
            method = TwimlMethod.Get;
            return true;
        }

        return false;
    }
}
