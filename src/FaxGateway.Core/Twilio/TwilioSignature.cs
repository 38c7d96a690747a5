using System.Security.Cryptography;
using System.Text;

namespace FaxGateway.Core.Twilio;

/// <summary>
/// The X-Twilio-Signature scheme (spec twiml-fax.md section 7): HMAC-SHA1 over the URL as sent
/// followed by the POST parameters sorted by name (ordinal), each as name+value, base64 encoded.
/// The gateway signs every request it makes this way so that Twilio-style apps can keep their validators.
/// </summary>
public static class TwilioSignature
{
    /// <summary>The header that carries the signature.</summary>
    public const string HeaderName = "X-Twilio-Signature";

    /// <summary>The query parameter that carries the SHA-256 of a JSON body.</summary>
    public const string BodySha256Parameter = "bodySHA256";

    /// <summary>Signs a request: <paramref name="url"/> as sent (fragment and userinfo are removed here) and the decoded form parameters of a POST body (none for GET).</summary>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? formParameters)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        var data = new StringBuilder(SignableUrl(url));
        AppendParameters(data, formParameters);
        return Sign(authToken, data.ToString());
    }

    /// <summary>Lowercase hex SHA-256 of a JSON body, the value of the <c>bodySHA256</c> query parameter.</summary>
    public static string BodySha256(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>Appends <c>bodySHA256=&lt;hex&gt;</c> to the URL's query (JSON-bodied requests sign only the URL).</summary>
    public static string AppendBodySha256(string url, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(url);
        var (withoutFragment, fragment) = SplitFragment(url);
        var separator = withoutFragment.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return withoutFragment + separator + BodySha256Parameter + "=" + BodySha256(body) + fragment;
    }

    /// <summary>Signs a JSON-bodied request to <paramref name="urlWithBodyHash"/> (already carrying bodySHA256): the URL only.</summary>
    public static string ComputeForJson(string authToken, string urlWithBodyHash) => Compute(authToken, urlWithBodyHash, null);

    /// <summary>
    /// Receiver-side check of a form (or GET) request: the URL as reconstructed from the request line is tried with the
    /// default port added and removed, as Twilio's official validators do; fixed-time comparison.
    /// </summary>
    public static bool Validate(string authToken, string? signature, string url, IEnumerable<KeyValuePair<string, string>>? formParameters)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var parameters = formParameters?.ToArray();
        var matched = false;
        foreach (var candidate in UrlVariants(url))
        {
            // Both candidates are computed and compared so that timing does not tell which one matched.
            matched |= FixedTimeEquals(Compute(authToken, candidate, parameters), signature);
        }

        return matched;
    }

    /// <summary>Receiver-side check of a JSON-bodied request: the signature over the URL and the bodySHA256 in its query against the body.</summary>
    public static bool ValidateJson(string authToken, string? signature, string url, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(url);
        var hash = QueryValue(SplitFragment(url).Url, BodySha256Parameter);
        if (hash is null || !FixedTimeEquals(hash, BodySha256(body)))
        {
            return false;
        }

        return Validate(authToken, signature, url, null);
    }

    /// <summary>The URL as it is signed: without the <c>#fragment</c> (connection overrides) and without userinfo, otherwise untouched.</summary>
    public static string SignableUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var withoutFragment = SplitFragment(url).Url;
        var schemeEnd = withoutFragment.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return withoutFragment;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = withoutFragment.IndexOfAny(['/', '?'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = withoutFragment.Length;
        }

        var at = withoutFragment.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        return at < 0 ? withoutFragment : string.Concat(withoutFragment.AsSpan(0, authorityStart), withoutFragment.AsSpan(at + 1));
    }

    internal static string Sign(string authToken, string data)
    {
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data));
        return Convert.ToBase64String(mac);
    }

    private static void AppendParameters(StringBuilder data, IEnumerable<KeyValuePair<string, string>>? formParameters)
    {
        if (formParameters is null)
        {
            return;
        }

        // Repeated names (arrays) contribute name+value once per distinct value, values in ordinal order,
        // as twilio-python and twilio-node do; names are sorted ordinally and case-sensitively.
        var byName = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in formParameters)
        {
            if (!byName.TryGetValue(name, out var values))
            {
                values = new SortedSet<string>(StringComparer.Ordinal);
                byName.Add(name, values);
            }

            values.Add(value ?? string.Empty);
        }

        foreach (var (name, values) in byName)
        {
            foreach (var value in values)
            {
                data.Append(name).Append(value);
            }
        }
    }

    private static IEnumerable<string> UrlVariants(string url)
    {
        var signable = SignableUrl(url);
        if (!Uri.TryCreate(signable, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return signable;
            yield break;
        }

        var schemeEnd = signable.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = signable.IndexOfAny(['/', '?'], schemeEnd);
        if (authorityEnd < 0)
        {
            authorityEnd = signable.Length;
        }

        var authority = signable[schemeEnd..authorityEnd];
        var prefix = signable[..schemeEnd];
        var rest = signable[authorityEnd..];
        var defaultPort = uri.Scheme == Uri.UriSchemeHttps ? 443 : 80;
        var colon = authority.LastIndexOf(':');
        var bracket = authority.LastIndexOf(']');
        var hasPort = colon > bracket;
        var host = hasPort ? authority[..colon] : authority;

        if (!hasPort)
        {
            yield return signable;
            yield return prefix + host + ":" + defaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture) + rest;
        }
        else if (authority[(colon + 1)..] == defaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            yield return prefix + host + rest;
            yield return signable;
        }
        else
        {
            // A non-default port is part of the URL in every variant.
            yield return signable;
        }
    }

    private static (string Url, string Fragment) SplitFragment(string url)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? (url, string.Empty) : (url[..hash], url[hash..]);
    }

    private static string? QueryValue(string url, string name)
    {
        var question = url.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return null;
        }

        foreach (var pair in url[(question + 1)..].Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            if (key == name)
            {
                return eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
