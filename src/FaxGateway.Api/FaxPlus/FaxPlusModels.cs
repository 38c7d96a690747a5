using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FaxGateway.Api.FaxPlus;

// Wire shapes of the FAX.PLUS v3 API (shared/spec/faxplus-api.md section 6). Keys are snake_case by the
// serializer policy; [JsonPropertyName] marks the exceptions (from). Request models refuse unknown keys
// and missing required ones; response models always carry every required key.

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PayloadOutbox
{
    [JsonPropertyName("from")]
    public required string From { get; init; }
    public required List<string> To { get; init; }
    public required List<string> Files { get; init; }
    public OutboxComment? Comment { get; init; }
    public OutboxOptions? Options { get; init; }
    public string? SendTime { get; init; }
    public bool? ReturnIds { get; init; }
    public OutboxCoverPage? CoverPage { get; init; }

    /// <summary>Newer docs only; shape undocumented (a fax id). Accepted and ignored when null.</summary>
    public JsonElement? FromFax { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OutboxComment
{
    public string? Text { get; init; }
    public List<string>? Tags { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OutboxOptions
{
    public bool? Enhancement { get; init; }
    public RetryOptions? Retry { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RetryOptions
{
    public int? Count { get; init; }
    public int? Delay { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OutboxCoverPage
{
    public required string NameTo { get; init; }
    public required string NameFrom { get; init; }
    public required string Subject { get; init; }
    public List<string>? Flags { get; init; }
    public string? Message { get; init; }
}

public sealed record SendFaxResponse
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Ids { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PayloadOutboxModification
{
    public string? Comment { get; init; }
}

public sealed record StatusChange(string At, string Status);

public sealed record OutboxRecord
{
    public required string Id { get; init; }
    public required string Uid { get; init; }
    public required string Status { get; init; }
    public required List<string> To { get; init; }
    public required List<string> Files { get; init; }
    public required string Src { get; init; }
    public required string DesignatedSrc { get; init; }
    public required OutboxComment Comment { get; init; }
    public string ContactName { get; init; } = "";
    public JsonObject ExtraInfo { get; init; } = [];
    public string? Ip { get; init; }
    public required string LastUpdatedStatusTime { get; init; }
    public required OutboxOptions Options { get; init; }
    public required int PageCount { get; init; }
    public RetryOptions? Retry { get; init; }
    public string? SendTime { get; init; }
    public required bool ShouldEnhance { get; init; }
    public required List<StatusChange> StatusChanges { get; init; }
    public required string SubmitTime { get; init; }
    public OutboxCoverPage? CoverPage { get; init; }
}

public sealed record OutboxList(List<OutboxRecord> Records);

public sealed record CostDetails(double Multiplier, double NotificationCost);

public sealed record FaxWire
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required string Status { get; init; }
    public required int Pages { get; init; }
    public required string Comment { get; init; }
    public required CostDetails CostDetails { get; init; }

    [JsonPropertyName("from")]
    public required string From { get; init; }

    /// <summary>Same value as <c>from</c>: v3 doc examples use this key (spec 11.1).</summary>
    public required string FromNumber { get; init; }
    public required string To { get; init; }
    public required string Direction { get; init; }
    public required int Cost { get; init; }
    public required string Description { get; init; }
    public required int Duration { get; init; }
    public string? File { get; init; }
    public required string FileName { get; init; }
    public string? Header { get; init; }
    public required bool IsRead { get; init; }
    public required bool IsSpam { get; init; }
    public required string LastUpdate { get; init; }
    public int? MaxRetry { get; init; }
    public int? RetryDelay { get; init; }
    public string? ScheduledTime { get; init; }
    public required string StartTime { get; init; }
    public string? SubmitTime { get; init; }
    public JsonNode? CoverPage { get; init; }
}

public sealed record FaxListData(List<FaxWire> Records);

public sealed record FaxList(FaxListData Data);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PayloadFaxModification
{
    public required string Comment { get; init; }
    public required bool IsRead { get; init; }
}

public sealed record FilePath(string Path);

public sealed record WebhookWire
{
    public required string Id { get; init; }
    public required string Target { get; init; }
    public required string Event { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Numbers { get; init; }

    /// <summary>Gateway extension: the HMAC-SHA256 key of this hook's signatures (unknown keys are ignored by SDKs).</summary>
    public required string Secret { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record WebhookPayload
{
    public string? Id { get; init; }
    public required string Target { get; init; }
    public required string Event { get; init; }
    public List<string>? Numbers { get; init; }
}

public sealed record WebhookIdResponse(string Id, string Secret);

public sealed record WebhookList(List<WebhookWire> Data);

public sealed record AccountWire
{
    public required string Uid { get; init; }
    public required string Email { get; init; }
    public required string AccountType { get; init; }
    public required string Status { get; init; }
    public required string CreationDate { get; init; }
    public required string Name { get; init; }
    public required string Lastname { get; init; }
    public required string Phone { get; init; }
    public string? ProfileImage { get; init; }
    public required List<string> MemberOf { get; init; }
    public JsonNode? AccountData { get; init; }
    public JsonNode? Notifications { get; init; }
    public JsonNode? Settings { get; init; }
}

public sealed record AccountList(List<AccountWire> Members);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PayloadAccountModification
{
    public JsonObject? AccountData { get; init; }
    public string? Email { get; init; }
    public string? Lastname { get; init; }
    public string? Name { get; init; }
    public JsonObject? Notifications { get; init; }
    public string? Phone { get; init; }
    public string? ProfileImage { get; init; }
    public JsonObject? Settings { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MemberDetail
{
    public int? Quota { get; init; }
    public string? Role { get; init; }
}

public sealed record NumberNotification(bool Email, bool PushNotification, string Type);

public sealed record NumberWire
{
    public required string Id { get; init; }
    public required string Number { get; init; }
    public required string OwnerId { get; init; }
    public required List<string> AssignedTo { get; init; }
    public required string AcquiredDate { get; init; }
    public required string Status { get; init; }
    public string ExpirationDate { get; init; } = "";
    public bool IsCanceled { get; init; }
    public List<NumberNotification> Notifications { get; init; } = [];
}

public sealed record NumberList(List<NumberWire> Numbers);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PayloadNumberModification
{
    public required string AssignedTo { get; init; }
}

/// <summary>The one error shape of the API.</summary>
public sealed record ApiError(string Error, string Description);

/// <summary>Webhook body (spec 8.2).</summary>
public sealed record WebhookCallback(WebhookCallbackHook Hook, WebhookCallbackData Data);

public sealed record WebhookCallbackHook(string Id, string Event, string EventTime, string Target);

public sealed record WebhookCallbackData
{
    public required string Id { get; init; }
    public required string Uid { get; init; }
    public required int Pages { get; init; }

    [JsonPropertyName("from")]
    public required string From { get; init; }

    [JsonPropertyName("to")]
    public required string To { get; init; }
    public required string FromNumber { get; init; }
    public required string ToNumber { get; init; }
    public required string StartTime { get; init; }
    public required string File { get; init; }
    public required string FileName { get; init; }
    public required int Cost { get; init; }
    public required string Status { get; init; }
}
