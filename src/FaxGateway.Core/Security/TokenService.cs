using System.Security.Cryptography;
using System.Text;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Core.Security;

/// <summary>An authenticated caller: the account a token belongs to and the scopes it holds.</summary>
public sealed record TokenPrincipal(string AccountId, string TokenId, IReadOnlyList<string> Scopes);

/// <summary>Issues and checks bearer tokens. The secret is shown once; only its SHA-256 is stored.</summary>
public sealed class TokenService(ITokenRepository tokens, TimeProvider time)
{
    private const string Prefix = "fgw_pat_";
    private const int MaxCached = 10_000;

    /// <summary>How long a validated token is trusted without asking storage again (a deleted token works at most this long).</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (TokenPrincipal Principal, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates a token for <paramref name="accountId"/>; returns the secret to hand to the user.</summary>
    public async Task<string> CreateAsync(string accountId, IReadOnlyList<string> scopes, string name, CancellationToken cancellationToken)
    {
        foreach (var scope in scopes)
        {
            if (!Scopes.IsKnown(scope))
            {
                throw new ArgumentException($"Unknown scope '{scope}'. Known: {string.Join(", ", Scopes.Known)}.", nameof(scopes));
            }
        }

        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        var secret = Prefix + Base64UrlEncode(random);
        await tokens.AddAsync(new ApiToken
        {
            Id = FaxIds.NewShort(),
            AccountId = accountId,
            SecretHash = Hash(secret),
            Scopes = scopes,
            CreatedAt = time.GetUtcNow(),
            Name = name,
        }, cancellationToken).ConfigureAwait(false);
        return secret;
    }

    /// <summary>The caller behind <paramref name="secret"/>, or null when it is unknown or expired.</summary>
    public async Task<TokenPrincipal?> ValidateAsync(string secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200)
        {
            return null;
        }

        var hash = Hash(secret);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Principal;
        }

        var token = await tokens.FindBySecretHashAsync(hash, cancellationToken).ConfigureAwait(false);
        if (token is null || (token.ExpiresAt is { } expires && expires <= now))
        {
            _cache.TryRemove(hash, out _);
            return null;
        }

        var principal = new TokenPrincipal(token.AccountId, token.Id, token.Scopes);
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        var until = now + CacheLifetime;
        _cache[hash] = (principal, token.ExpiresAt is { } e && e < until ? e : until);
        return principal;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64UrlEncode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// FAX.PLUS scopes. <c>fax:all:edit</c> (or OAuth <c>all</c>) may do everything, <c>fax:all:read</c> only
/// reads; the finer <c>fax:{area}:read|edit</c> scopes cover one area, edit implying read.
/// </summary>
public static class Scopes
{
    public const string AllEdit = "fax:all:edit";
    public const string AllRead = "fax:all:read";

    public static readonly IReadOnlyList<string> Known =
    [
        "all", AllEdit, AllRead, "fax:fax:read", "fax:fax:edit", "fax:file:read", "fax:file:edit",
        "fax:webhook:read", "fax:webhook:edit", "fax:number:read", "fax:number:edit", "fax:account:read", "fax:account:edit",
    ];

    public static bool IsKnown(string scope) => Known.Contains(scope, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="held"/> allows an operation on <paramref name="area"/> (fax, file, webhook, number, account).</summary>
    public static bool Allows(IReadOnlyList<string> held, string area, bool write)
    {
        foreach (var scope in held)
        {
            if (scope is "all" || scope.EndsWith(":all:edit", StringComparison.Ordinal))
            {
                return true;
            }

            if (!write && scope.EndsWith(":all:read", StringComparison.Ordinal))
            {
                return true;
            }

            if (scope == $"fax:{area}:edit" || (!write && scope == $"fax:{area}:read"))
            {
                return true;
            }
        }

        return false;
    }
}
