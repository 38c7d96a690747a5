using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// HTTP authentication with the credentials of a URL's userinfo after a 401 challenge (spec 6.5): Digest (RFC 7616 /
/// RFC 2617, MD5 or SHA-256, qop=auth or none) when the server offers it, else Basic.
/// </summary>
internal static partial class HttpDigest
{
    /// <summary>A credentials source for the challenge of <paramref name="response"/>, or null when it offers neither scheme.</summary>
    public static Func<HttpMethod, Uri, AuthenticationHeaderValue>? Credentials(HttpResponseMessage response, string userInfo)
    {
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? userInfo : userInfo[..colon];
        var password = colon < 0 ? string.Empty : userInfo[(colon + 1)..];
        var challenges = response.Headers.WwwAuthenticate;
        if (challenges.FirstOrDefault(h => string.Equals(h.Scheme, "Digest", StringComparison.OrdinalIgnoreCase)) is { Parameter: { } parameter })
        {
            var fields = Parse(parameter);
            var algorithm = fields.GetValueOrDefault("algorithm", "MD5");
            if (fields.TryGetValue("nonce", out var nonce) && algorithm.ToUpperInvariant() is "MD5" or "SHA-256")
            {
                var realm = fields.GetValueOrDefault("realm", string.Empty);
                var qop = fields.TryGetValue("qop", out var offered) && offered.Split(',').Select(q => q.Trim()).Contains("auth") ? "auth" : null;
                var opaque = fields.GetValueOrDefault("opaque");
                var counter = 0;
                return (method, uri) =>
                {
                    var nc = Interlocked.Increment(ref counter).ToString("x8", CultureInfo.InvariantCulture);
                    var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
                    var path = uri.PathAndQuery;
                    var answer = Response(algorithm, user, realm, password, method.Method, path, nonce, nc, cnonce, qop);
                    var header = new StringBuilder()
                        .Append(CultureInfo.InvariantCulture, $"username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{path}\", algorithm={algorithm}, response=\"{answer}\"");
                    if (qop is not null)
                    {
                        header.Append(CultureInfo.InvariantCulture, $", qop={qop}, nc={nc}, cnonce=\"{cnonce}\"");
                    }

                    if (opaque is not null)
                    {
                        header.Append(CultureInfo.InvariantCulture, $", opaque=\"{opaque}\"");
                    }

                    return new AuthenticationHeaderValue("Digest", header.ToString());
                };
            }
        }

        if (challenges.Any(h => string.Equals(h.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)))
        {
            var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
            return (_, _) => basic;
        }

        return null;
    }

    /// <summary>The <c>response</c> value: H(H(A1):nonce:nc:cnonce:qop:H(A2)), or H(H(A1):nonce:H(A2)) without qop.</summary>
    public static string Response(string algorithm, string user, string realm, string password, string method, string uri, string nonce, string nc, string cnonce, string? qop)
    {
        var ha1 = Hash(algorithm, $"{user}:{realm}:{password}");
        var ha2 = Hash(algorithm, $"{method}:{uri}");
        return qop is null ? Hash(algorithm, $"{ha1}:{nonce}:{ha2}") : Hash(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }

    private static string Hash(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        // MD5 is what RFC 2617 Digest servers speak; it authenticates a request here, it protects no stored secret.
        return Convert.ToHexStringLower(algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase) ? SHA256.HashData(bytes) : MD5.HashData(bytes));
    }

    private static Dictionary<string, string> Parse(string parameter)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in DigestField().Matches(parameter))
        {
            fields[match.Groups["name"].Value] = match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["token"].Value;
        }

        return fields;
    }

    [GeneratedRegex("(?<name>[A-Za-z0-9_-]+)\\s*=\\s*(?:\"(?<quoted>[^\"]*)\"|(?<token>[^,\\s]*))")]
    private static partial Regex DigestField();
}
