namespace FaxGateway.Core.Model;

/// <summary>FAX.PLUS account types: an admin owns numbers and members; an individual stands alone.</summary>
public enum AccountType
{
    Individual,
    CorporateAdmin,
    CorporateMember,
}

/// <summary>A tenant of the gateway. Every query is scoped to one account id.</summary>
public sealed record Account
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public string Name { get; init; } = "";
    public string LastName { get; init; } = "";
    public string Phone { get; init; } = "";
    public required AccountType Type { get; init; }

    /// <summary>The corporate admin this member belongs to; null for admins and individuals.</summary>
    public string? ParentId { get; init; }

    /// <summary>FAX.PLUS AccountStatus wire value (active, suspended, ...).</summary>
    public string Status { get; init; } = "active";
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Member quota in pages per month (FAX.PLUS MemberDetail.quota); null = unlimited.</summary>
    public int? MemberQuota { get; init; }
    public string? MemberRole { get; init; }

    /// <summary>
    /// The FAX.PLUS profile parts the gateway keeps but does not interpret (account_data, notifications,
    /// settings, profile_image) as one JSON object owned by the API layer.
    /// </summary>
    public string ProfileJson { get; init; } = "{}";
}

/// <summary>A bearer token. Only the SHA-256 of the secret is stored: tokens are 256-bit random, so a slow hash adds nothing.</summary>
public sealed record ApiToken
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string SecretHash { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string Name { get; init; } = "";
}
