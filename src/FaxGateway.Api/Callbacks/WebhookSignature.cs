using System.Security.Cryptography;
using System.Text;

namespace FaxGateway.Api.Callbacks;

/// <summary>
/// The signature of a FAX.PLUS webhook delivery: <c>X-FaxGateway-Signature: sha256=&lt;hex&gt;</c>, the
/// lower-case hex HMAC-SHA256 of the exact request body bytes, keyed with the hook's secret (returned by
/// POST /v3/hooks and GET /v3/hooks as <c>secret</c>). Receivers recompute it over the raw body and
/// compare in constant time; see docs/api.md.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-FaxGateway-Signature";
    public const string DeliveryHeaderName = "X-FaxGateway-Delivery";
    public const string EventHeaderName = "X-FaxGateway-Event";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(header));
}
