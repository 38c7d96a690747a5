using System.Text.Json;
using System.Text.Json.Nodes;
using FaxGateway.Core;
using FaxGateway.Core.Model;

namespace FaxGateway.Api.FaxPlus;

/// <summary>Core records to FAX.PLUS wire shapes.</summary>
internal static class FaxPlusMapping
{
    public const string TransientPrefix = "/transient-";

    public static string AccountType(AccountType type) => type switch
    {
        Core.Model.AccountType.CorporateAdmin => "corporate_admin",
        Core.Model.AccountType.CorporateMember => "corporate_member",
        _ => "individual",
    };

    public static AccountWire Account(Account a)
    {
        var profile = ParseObject(a.ProfileJson);
        return new AccountWire
        {
            Uid = a.Id,
            Email = a.Email,
            AccountType = AccountType(a.Type),
            Status = a.Status,
            CreationDate = FaxPlusJson.Utc(a.CreatedAt),
            Name = a.Name,
            Lastname = a.LastName,
            Phone = a.Phone,
            ProfileImage = profile["profile_image"]?.GetValue<string>(),
            MemberOf = a.ParentId is null ? [] : [a.ParentId],
            AccountData = profile["account_data"]?.DeepClone(),
            Notifications = profile["notifications"]?.DeepClone(),
            Settings = profile["settings"]?.DeepClone(),
        };
    }

    public static JsonObject ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static NumberWire Number(FaxNumber n) => new()
    {
        Id = n.Id,
        Number = n.Number,
        OwnerId = n.OwnerId,
        AssignedTo = [.. n.AssignedTo],
        AcquiredDate = FaxPlusJson.Utc(n.AcquiredAt),
        Status = n.Status,
    };

    public static string OutboxStatus(JobState state) => state switch
    {
        JobState.Submitted => "submitted",
        JobState.Converting => "converting",
        JobState.Sending => "sending",
        _ => "scheduled_for_sending",
    };

    /// <summary>The entry's status: the most advanced state among its unfinished jobs.</summary>
    public static string OutboxStatus(IReadOnlyList<FaxJob> jobs)
    {
        var open = jobs.Where(j => j.State is JobState.Submitted or JobState.Converting or JobState.Scheduled or JobState.Sending).Select(j => j.State).ToList();
        return open.Contains(JobState.Sending) ? "sending"
            : open.Contains(JobState.Scheduled) ? "scheduled_for_sending"
            : open.Contains(JobState.Converting) ? "converting"
            : "submitted";
    }

    public static OutboxRecord Outbox(OutboxEntry e, IReadOnlyList<FaxJob> jobs, IReadOnlyList<JobStateChange> changes)
    {
        var statusChanges = new List<StatusChange>();
        foreach (var change in changes)
        {
            if (change.State is JobState.Sent or JobState.Failed or JobState.Cancelled)
            {
                continue;
            }

            var status = OutboxStatus(change.State);
            if (statusChanges.Count == 0 || statusChanges[^1].Status != status)
            {
                statusChanges.Add(new StatusChange(FaxPlusJson.Utc(change.At), status));
            }
        }

        var open = jobs.Where(j => j.State is JobState.Submitted or JobState.Converting or JobState.Scheduled or JobState.Sending).ToList();
        var retry = e.Retry is { } r ? new RetryOptions { Count = r.Count, Delay = r.DelaySeconds } : null;
        var lastUpdate = open.Count > 0 ? open.Max(j => j.UpdatedAt) : e.SubmitTime;
        return new OutboxRecord
        {
            Id = e.Id,
            Uid = e.AccountId,
            Status = OutboxStatus(jobs),
            To = [.. open.Select(j => j.Destination)],
            Files = [.. e.FilePaths],
            Src = e.From,
            DesignatedSrc = e.From,
            Comment = new OutboxComment { Text = e.CommentText, Tags = [.. e.CommentTags] },
            Ip = e.ClientIp,
            LastUpdatedStatusTime = FaxPlusJson.Utc(lastUpdate),
            Options = new OutboxOptions { Enhancement = e.Enhancement, Retry = retry },
            PageCount = e.PageCount,
            Retry = retry,
            SendTime = e.SendTime is { } s ? FaxPlusJson.WithOffset(s) : null,
            ShouldEnhance = e.Enhancement,
            StatusChanges = statusChanges,
            SubmitTime = FaxPlusJson.WithOffset(e.SubmitTime),
            CoverPage = e.CoverPageJson is { } cover ? JsonSerializer.Deserialize<OutboxCoverPage>(cover, FaxPlusJson.Options) : null,
        };
    }

    public static FaxWire Fax(FaxRecord f) => new()
    {
        Id = f.Id,
        OwnerId = f.AccountId,
        Status = FaxStatuses.All.Contains(f.Status) ? f.Status : FaxStatuses.Failed,
        Pages = f.Pages,
        Comment = f.Comment,
        CostDetails = new CostDetails(1, 0),
        From = f.From,
        FromNumber = f.From,
        To = f.To,
        Direction = f.Direction == FaxDirection.Incoming ? "incoming" : "outgoing",
        Cost = f.Pages,
        Description = f.Description,
        Duration = f.DurationSeconds,
        File = f.FileId is null ? null : f.Id + ".tiff",
        FileName = f.FileName,
        IsRead = f.IsRead,
        IsSpam = f.IsSpam,
        LastUpdate = FaxPlusJson.Utc(f.LastUpdate),
        MaxRetry = f.MaxRetry,
        RetryDelay = f.RetryDelay,
        ScheduledTime = f.ScheduledTime is { } s ? FaxPlusJson.Utc(s) : null,
        StartTime = FaxPlusJson.Utc(f.StartTime),
        SubmitTime = f.SubmitTime is { } t ? FaxPlusJson.Utc(t) : null,
        CoverPage = f.CoverPageJson is { } cover ? JsonNode.Parse(cover) : null,
    };

    public static WebhookWire Webhook(Webhook h) => new()
    {
        Id = h.Id,
        Target = h.Target.ToString(),
        Event = h.Event,
        Numbers = h.Numbers.Count == 0 ? null : [.. h.Numbers],
        Secret = h.SigningSecret,
    };
}
