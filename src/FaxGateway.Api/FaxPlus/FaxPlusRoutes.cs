using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FaxGateway.Core;
using FaxGateway.Core.Documents;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaxGateway.Api.FaxPlus;

/// <summary>
/// The FAX.PLUS v3 REST API (shared/spec/faxplus-api.md): accounts, numbers, files, outbox, faxes, hooks,
/// under <c>/v3</c>, bearer-authenticated, every query scoped to the caller's account.
/// </summary>
public static class FaxPlusRoutes
{
    /// <summary>Request header naming a send so that a retry of it creates nothing new (our extension of FAX.PLUS).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Response header on the answer to a repeated <see cref="IdempotencyKeyHeader"/>.</summary>
    public const string IdempotentReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapFaxPlusRoutes(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var v3 = endpoints.MapGroup("/v3").AddEndpointFilter<FaxPlusAuthFilter>().WithTags("FAX.PLUS v3");

        var accounts = v3.MapGroup("").WithMetadata(new ScopeAreaAttribute("account"));
        accounts.MapGet("/accounts", ListAccounts).Produces<AccountList>().WithName("get_accounts");
        accounts.MapGet("/accounts/{user_id}", GetAccount).Produces<AccountWire>().WithName("get_user");
        accounts.MapPut("/accounts/{user_id}", UpdateAccount).Accepts<PayloadAccountModification>("application/json").Produces(204).WithName("update_user");
        accounts.MapGet("/accounts/self/member-details/{member_user_id}", GetMemberDetails).Produces<MemberDetail>().WithName("get_member_details");
        accounts.MapPut("/accounts/self/member-details/{member_user_id}", UpdateMemberDetails).Accepts<MemberDetail>("application/json").Produces(204).WithName("update_member_details");

        var numbers = v3.MapGroup("/accounts/{user_id}/numbers").WithMetadata(new ScopeAreaAttribute("number"));
        numbers.MapGet("", ListNumbers).Produces<NumberList>().WithName("list_numbers");
        numbers.MapGet("/{number}", GetNumber).Produces<NumberWire>().WithName("get_number");
        numbers.MapPut("/{number}", AssignNumber).Accepts<PayloadNumberModification>("application/json").Produces(204).WithName("update_number");
        numbers.MapPost("/{number}", AssignNumber).Accepts<PayloadNumberModification>("application/json").Produces(204).ExcludeFromDescription();
        numbers.MapDelete("/{number}", RevokeNumber).Produces(204).WithName("revoke_number");

        var files = v3.MapGroup("/accounts/{user_id}").WithMetadata(new ScopeAreaAttribute("file"));
        files.MapPost("/files", UploadFile).Accepts<IFormFile>("multipart/form-data").Produces<FilePath>(201).DisableAntiforgery().WithName("upload_file");
        files.MapGet("/files/{fax_id}", GetFile).Produces(200, contentType: "application/pdf", additionalContentTypes: ["image/tiff"]).WithName("get_file");
        files.MapGet("/report/{fax_id}", GetReport).Produces(200, contentType: "application/pdf").WithName("get_fax_report");

        var outbox = v3.MapGroup("/accounts/{user_id}/outbox").WithMetadata(new ScopeAreaAttribute("fax"));
        outbox.MapPost("", SendFax).Accepts<PayloadOutbox>("application/json").Produces<SendFaxResponse>(201).WithName("send_fax");
        outbox.MapGet("", ListOutbox).Produces<OutboxList>().WithName("list_outbox_faxes");
        outbox.MapGet("/{outbox_fax_id}", GetOutbox).Produces<OutboxRecord>().WithName("get_outbox_fax");
        outbox.MapPut("/{outbox_fax_id}", UpdateOutbox).Accepts<PayloadOutboxModification>("application/json").Produces(204).WithName("update_outbox_fax");
        outbox.MapDelete("/{outbox_fax_id}", DeleteOutbox).Produces(204).WithName("delete_outbox_fax");

        // /archives is the v1/v2 and first-v3 name of /faxes: same handlers.
        foreach (var (segment, suffix) in new[] { ("faxes", ""), ("archives", "_archives") })
        {
            var faxes = v3.MapGroup("/accounts/{user_id}/" + segment).WithMetadata(new ScopeAreaAttribute("fax"));
            faxes.MapGet("", ListFaxes).Produces<FaxList>().WithName("list_faxes" + suffix);
            faxes.MapGet("/{fax_id}", GetFax).Produces<FaxWire>().WithName("get_fax" + suffix);
            faxes.MapPut("/{fax_id}", UpdateFax).Accepts<PayloadFaxModification>("application/json").Produces(204).WithName("update_fax" + suffix);
            faxes.MapDelete("/{fax_id}", DeleteFax).Produces(204).WithName("delete_fax" + suffix);
            // Our extension: the T.30 trace of the call (frames, states, modem commands with times), as text.
            faxes.MapGet("/{fax_id}/trace", GetFaxTrace).Produces<string>(200, "text/plain").WithName("get_fax_trace" + suffix);
            if (suffix.Length > 0)
            {
                faxes.ExcludeFromDescription();
            }
        }

        var hooks = v3.MapGroup("/hooks").WithMetadata(new ScopeAreaAttribute("webhook"));
        hooks.MapGet("", ListHooks).Produces<WebhookList>().WithName("get_webhooks");
        hooks.MapPost("", CreateHook).Accepts<WebhookPayload>("application/json").Produces<WebhookIdResponse>(201).WithName("create_webhook");
        hooks.MapDelete("/{hook_id}", DeleteHook).Produces(204).WithName("delete_webhook");
        return endpoints;
    }

    // ---- accounts -------------------------------------------------------------------------------

    /// <summary>
    /// Resolves the <c>user_id</c> path segment: <c>self</c> or the caller's uid, or (for a corporate
    /// admin) one of its members. Anyone else's uid is 403, an admin's unknown member 404.
    /// </summary>
    private static async Task<(Account? Account, IResult? Error)> ResolveUserAsync(HttpContext http, string userId)
    {
        var caller = FaxPlusAuthFilter.Caller(http).Account;
        if (userId == "self" || userId == caller.Id)
        {
            return (caller, null);
        }

        if (caller.Type != AccountType.CorporateAdmin)
        {
            return (null, FaxPlusErrors.Forbidden("A member may only act on 'self'."));
        }

        var target = await http.RequestServices.GetRequiredService<IAccountRepository>().GetAsync(userId, http.RequestAborted).ConfigureAwait(false);
        return target is not null && target.ParentId == caller.Id
            ? (target, null)
            : (null, FaxPlusErrors.NotFound($"No member '{userId}' in this account."));
    }

    private static async Task<IResult> ListAccounts(HttpContext http, IAccountRepository accounts)
    {
        var caller = FaxPlusAuthFilter.Caller(http).Account;
        if (caller.Type != AccountType.CorporateAdmin)
        {
            return FaxPlusErrors.Forbidden("Only a corporate admin may list the members.");
        }

        var members = await accounts.ListMembersAsync(caller.Id, http.RequestAborted).ConfigureAwait(false);
        return Ok(new AccountList([.. members.Select(FaxPlusMapping.Account)]));
    }

    private static async Task<IResult> GetAccount(HttpContext http, string user_id)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        return error ?? Ok(FaxPlusMapping.Account(account!));
    }

    private static async Task<IResult> UpdateAccount(HttpContext http, string user_id, IAccountRepository accounts)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var (body, bad) = await FaxPlusJson.ReadAsync<PayloadAccountModification>(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        if (body!.Email is { } email && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal)))
        {
            return FaxPlusErrors.BadRequest("invalid_email", $"'{email}' is not an e-mail address.");
        }

        var profile = FaxPlusMapping.ParseObject(account!.ProfileJson);
        Merge(profile, "account_data", body.AccountData);
        Merge(profile, "notifications", body.Notifications);
        Merge(profile, "settings", body.Settings);
        if (body.ProfileImage is not null)
        {
            profile["profile_image"] = body.ProfileImage;
        }

        var updated = account with
        {
            Email = body.Email ?? account.Email,
            Name = body.Name ?? account.Name,
            LastName = body.Lastname ?? account.LastName,
            Phone = body.Phone ?? account.Phone,
            ProfileJson = profile.ToJsonString(),
        };
        try
        {
            await accounts.UpdateAsync(updated, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e.GetType().Name == "SqliteException" || e is System.Data.Common.DbException)
        {
            return FaxPlusErrors.Conflict("That e-mail address belongs to another account.");
        }

        return Results.NoContent();
    }

    private static void Merge(JsonObject profile, string key, JsonObject? patch)
    {
        if (patch is null)
        {
            return;
        }

        if (profile[key] is not JsonObject current)
        {
            profile[key] = patch.DeepClone();
            return;
        }

        foreach (var (name, value) in patch)
        {
            current[name] = value?.DeepClone();
        }
    }

    private static async Task<(Account? Member, IResult? Error)> ResolveMemberAsync(HttpContext http, string memberId)
    {
        var caller = FaxPlusAuthFilter.Caller(http).Account;
        if (caller.Type != AccountType.CorporateAdmin)
        {
            return (null, FaxPlusErrors.Forbidden("Only a corporate admin manages member details."));
        }

        var member = await http.RequestServices.GetRequiredService<IAccountRepository>().GetAsync(memberId, http.RequestAborted).ConfigureAwait(false);
        return member is not null && member.ParentId == caller.Id ? (member, null) : (null, FaxPlusErrors.NotFound($"No member '{memberId}' in this account."));
    }

    private static async Task<IResult> GetMemberDetails(HttpContext http, string member_user_id)
    {
        var (member, error) = await ResolveMemberAsync(http, member_user_id).ConfigureAwait(false);
        return error ?? Ok(new MemberDetail { Quota = member!.MemberQuota ?? 0, Role = member.MemberRole ?? "member" });
    }

    private static async Task<IResult> UpdateMemberDetails(HttpContext http, string member_user_id, IAccountRepository accounts)
    {
        var (member, error) = await ResolveMemberAsync(http, member_user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var (body, bad) = await FaxPlusJson.ReadAsync<MemberDetail>(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        if (body!.Quota is < 0)
        {
            return FaxPlusErrors.BadRequest("invalid_request", "quota must not be negative.");
        }

        await accounts.UpdateAsync(member! with { MemberQuota = body.Quota ?? member.MemberQuota, MemberRole = body.Role ?? member.MemberRole }, http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    // ---- numbers --------------------------------------------------------------------------------

    private static async Task<IResult> ListNumbers(HttpContext http, string user_id, INumberRepository numbers)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var list = await numbers.ListVisibleAsync(account!.Id, http.RequestAborted).ConfigureAwait(false);
        return Ok(new NumberList([.. list.Select(FaxPlusMapping.Number)]));
    }

    private static async Task<(FaxNumber? Number, IResult? Error)> FindNumberAsync(HttpContext http, Account account, string number)
    {
        if (!PhoneNumbers.TryNormalize(Uri.UnescapeDataString(number), out var normalized))
        {
            return (null, FaxPlusErrors.BadRequest("invalid_number", $"'{number}' is not a fax number."));
        }

        var found = await http.RequestServices.GetRequiredService<INumberRepository>().GetByNumberAsync(normalized, http.RequestAborted).ConfigureAwait(false);
        return found is not null && (found.OwnerId == account.Id || found.AssignedTo.Contains(account.Id))
            ? (found, null)
            : (null, FaxPlusErrors.NotFound($"No number {normalized} in this account."));
    }

    private static async Task<IResult> GetNumber(HttpContext http, string user_id, string number)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var (found, missing) = await FindNumberAsync(http, account!, number).ConfigureAwait(false);
        return missing ?? Ok(FaxPlusMapping.Number(found!));
    }

    private static async Task<IResult> AssignNumber(HttpContext http, string user_id, string number, INumberRepository numbers, IAccountRepository accounts)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var (body, bad) = await FaxPlusJson.ReadAsync<PayloadNumberModification>(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        var (found, missing) = await FindNumberAsync(http, account!, number).ConfigureAwait(false);
        if (missing is not null)
        {
            return missing;
        }

        if (found!.OwnerId != account!.Id)
        {
            return FaxPlusErrors.Forbidden("Only the number's owner assigns it.");
        }

        var assignee = await accounts.GetAsync(body!.AssignedTo, http.RequestAborted).ConfigureAwait(false);
        if (assignee is null || (assignee.Id != account.Id && assignee.ParentId != account.Id))
        {
            return FaxPlusErrors.NotFound($"No member '{body.AssignedTo}' in this account.");
        }

        if (!found.AssignedTo.Contains(assignee.Id))
        {
            await numbers.UpsertAsync(found with { AssignedTo = [.. found.AssignedTo, assignee.Id] }, http.RequestAborted).ConfigureAwait(false);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> RevokeNumber(HttpContext http, string user_id, string number, INumberRepository numbers)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var (found, missing) = await FindNumberAsync(http, account!, number).ConfigureAwait(false);
        if (missing is not null)
        {
            return missing;
        }

        if (found!.OwnerId == account!.Id)
        {
            return FaxPlusErrors.BadRequest("invalid_request", "A number cannot be revoked from its owner.");
        }

        await numbers.UpsertAsync(found with { AssignedTo = [.. found.AssignedTo.Where(a => a != account.Id)] }, http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    // ---- files ----------------------------------------------------------------------------------

    private static async Task<IResult> UploadFile(HttpContext http, string user_id, IFileRepository files, IFileContentStore store, IOptions<ApiOptions> apiOptions, IOptions<QueueOptions> queueOptions, TimeProvider time)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var format = http.Request.Query["format"].ToString();
        if (format.Length > 0 && format is not ("pdf" or "tiff"))
        {
            return FaxPlusErrors.BadRequest("invalid_format", $"format must be pdf or tiff, not '{format}'.");
        }

        var limit = apiOptions.Value.MaxUploadBytes;
        if (http.Request.ContentLength > limit + (64 * 1024))
        {
            return TooLarge(limit);
        }

        if (!http.Request.HasFormContentType || !(http.Request.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return FaxPlusErrors.BadRequest("invalid_request", "Upload with multipart/form-data and one part named 'fax_file'.");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = limit + (64 * 1024) }, http.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return TooLarge(limit);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return FaxPlusErrors.BadRequest("invalid_request", "Unreadable multipart body: " + e.Message);
        }

        var file = form.Files.GetFile("fax_file");
        if (file is null)
        {
            return FaxPlusErrors.BadRequest("invalid_request", "The multipart body needs a part named 'fax_file'.");
        }

        if (file.Length > limit)
        {
            return TooLarge(limit);
        }

        if (file.Length == 0)
        {
            return FaxPlusErrors.BadRequest("invalid_file", "The uploaded file is empty.");
        }

        var head = new byte[Math.Min(1024, file.Length)];
        await using (var peek = file.OpenReadStream())
        {
            await peek.ReadExactlyAsync(head, http.RequestAborted).ConfigureAwait(false);
        }

        var kind = UploadSniffer.Sniff(head);
        if (kind == UploadKind.Unknown)
        {
            return FaxPlusErrors.BadRequest("unsupported_file_type", $"'{file.FileName}' is not a PDF, TIFF, PNG or JPEG file.");
        }

        var fileId = FaxIds.NewLong();
        var now = time.GetUtcNow();
        (string RelativePath, long Size) written;
        await using (var content = file.OpenReadStream())
        {
            written = await store.WriteAsync(fileId, UploadSniffer.Extension(kind), content, http.RequestAborted).ConfigureAwait(false);
        }

        try
        {
            await files.AddAsync(new StoredFile
            {
                Id = fileId,
                AccountId = account!.Id,
                Kind = StoredFileKind.Upload,
                RelativePath = written.RelativePath,
                ContentType = UploadSniffer.ContentType(kind),
                OriginalName = Path.GetFileName(file.FileName ?? ""),
                Size = written.Size,
                CreatedAt = now,
                ExpiresAt = now + queueOptions.Value.UploadLifetime,
            }, http.RequestAborted).ConfigureAwait(false);
        }
        catch
        {
            store.Delete(written.RelativePath);
            throw;
        }

        return Results.Json(new FilePath(FaxPlusMapping.TransientPrefix + fileId), FaxPlusJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static IResult TooLarge(long limit) =>
        FaxPlusErrors.Of(StatusCodes.Status413PayloadTooLarge, "file_too_large", $"Uploads are limited to {limit} bytes.");

    private static async Task<(FaxRecord? Fax, IResult? Error)> FindFaxAsync(HttpContext http, string userId, string faxId)
    {
        var (account, error) = await ResolveUserAsync(http, userId).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        // The record's "file" value is "<id>.tiff": accept it as well as the bare id or the session id.
        var id = faxId.EndsWith(".tiff", StringComparison.Ordinal) ? faxId[..^5] : faxId.EndsWith(".pdf", StringComparison.Ordinal) ? faxId[..^4] : faxId;
        var fax = await http.RequestServices.GetRequiredService<IFaxRepository>().GetAsync(account!.Id, id, http.RequestAborted).ConfigureAwait(false);
        return fax is null ? (null, FaxPlusErrors.NotFound($"No fax '{faxId}' in this account.")) : (fax, null);
    }

    private static async Task<IResult> GetFile(HttpContext http, string user_id, string fax_id, IFileRepository files, IFileContentStore store)
    {
        var (fax, error) = await FindFaxAsync(http, user_id, fax_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var format = http.Request.Query["format"].ToString();
        if (format.Length > 0 && format is not ("pdf" or "tiff"))
        {
            return FaxPlusErrors.BadRequest("invalid_format", $"format must be pdf or tiff, not '{format}'.");
        }

        if (format.Length == 0)
        {
            format = PreferredFormat(http);
        }

        var stored = fax!.FileId is { } fileId ? await files.GetAsync(fax.AccountId, fileId, http.RequestAborted).ConfigureAwait(false) : null;
        if (stored is null)
        {
            return FaxPlusErrors.NotFound($"Fax '{fax_id}' has no stored pages.");
        }

        var name = $"fax-{fax.Id}.{format}";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        if (format == "tiff")
        {
            return Results.Stream(store.OpenRead(stored.RelativePath), "image/tiff");
        }

        var renderer = http.RequestServices.GetService<IFaxDocumentRenderer>();
        if (renderer is null)
        {
            return FaxPlusErrors.Of(StatusCodes.Status501NotImplemented, "format_unavailable", "This gateway cannot render PDF; ask for format=tiff.");
        }

        var pdf = new MemoryStream();
        await renderer.WritePdfAsync(store.GetFullPath(stored.RelativePath), pdf, http.RequestAborted).ConfigureAwait(false);
        pdf.Position = 0;
        return Results.Stream(pdf, "application/pdf");
    }

    /// <summary>No format parameter: the Accept header if it names exactly one of the two, else the account default, else PDF.</summary>
    private static string PreferredFormat(HttpContext http)
    {
        var accept = http.Request.Headers.Accept.ToString();
        var pdf = accept.Contains("application/pdf", StringComparison.OrdinalIgnoreCase);
        var tiff = accept.Contains("image/tiff", StringComparison.OrdinalIgnoreCase);
        if (pdf != tiff)
        {
            return tiff ? "tiff" : "pdf";
        }

        var profile = FaxPlusMapping.ParseObject(FaxPlusAuthFilter.Caller(http).Account.ProfileJson);
        return profile["account_data"]?["default_file_type"]?.GetValueKind() == JsonValueKind.String
            && profile["account_data"]!["default_file_type"]!.GetValue<string>() == "tiff" ? "tiff" : "pdf";
    }

    private static async Task<IResult> GetReport(HttpContext http, string user_id, string fax_id, IFileRepository files, IFileContentStore store)
    {
        var (fax, error) = await FindFaxAsync(http, user_id, fax_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var renderer = http.RequestServices.GetService<IFaxDocumentRenderer>();
        if (renderer is null)
        {
            return FaxPlusErrors.Of(StatusCodes.Status501NotImplemented, "report_unavailable", "This gateway cannot render reports.");
        }

        var stored = fax!.FileId is { } fileId ? await files.GetAsync(fax.AccountId, fileId, http.RequestAborted).ConfigureAwait(false) : null;
        var pdf = new MemoryStream();
        await renderer.WriteReportPdfAsync(fax, stored is null ? null : store.GetFullPath(stored.RelativePath), pdf, http.RequestAborted).ConfigureAwait(false);
        pdf.Position = 0;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"report-{fax.Id}.pdf\"";
        return Results.Stream(pdf, "application/pdf");
    }

    // ---- outbox ---------------------------------------------------------------------------------

    private static async Task<IResult> SendFax(HttpContext http, string user_id, JobService jobs)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var (body, bad) = await FaxPlusJson.ReadAsync<PayloadOutbox>(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        // Our extension (FAX.PLUS has none): a client that retries a send whose answer it lost names it with the
        // same Idempotency-Key and gets the entry already created, never a second fax.
        string? idempotencyKey = null;
        if (http.Request.Headers.TryGetValue(IdempotencyKeyHeader, out var keys))
        {
            idempotencyKey = keys.ToString();
            if (idempotencyKey.Length is 0 or > 255 || !idempotencyKey.All(ch => ch is > ' ' and <= '~'))
            {
                return FaxPlusErrors.BadRequest("invalid_idempotency_key", $"{IdempotencyKeyHeader} must be 1 to 255 visible ASCII characters.");
            }
        }

        DateTimeOffset? sendTime = null;
        if (!string.IsNullOrEmpty(body!.SendTime))
        {
            if (!FaxPlusJson.TryParseWithOffset(body.SendTime, out var parsed))
            {
                return FaxPlusErrors.BadRequest("invalid_send_time", $"send_time '{body.SendTime}' is not 'YYYY-MM-DD HH:mm:ss +HHMM'.");
            }

            sendTime = parsed;
        }

        var fileIds = new List<string>(body.Files.Count);
        foreach (var path in body.Files)
        {
            if (!path.StartsWith(FaxPlusMapping.TransientPrefix, StringComparison.Ordinal) || path.Length == FaxPlusMapping.TransientPrefix.Length)
            {
                return FaxPlusErrors.BadRequest("file_not_found", $"'{path}' is not a path returned by the upload.");
            }

            fileIds.Add(path[FaxPlusMapping.TransientPrefix.Length..]);
        }

        if (body.CoverPage?.Flags?.FirstOrDefault(f => f is not ("urgent" or "for_review" or "please_reply" or "confidential")) is { } flag)
        {
            return FaxPlusErrors.BadRequest("invalid_request", $"Unknown cover page flag '{flag}'.");
        }

        var retry = body.Options?.Retry is { } r ? new RetryOverride(r.Count, r.Delay) : null;
        SubmitResult result;
        try
        {
            result = await jobs.SubmitAsync(new SendRequest
            {
                AccountId = account!.Id,
                From = body.From,
                To = body.To,
                FileIds = fileIds,
                FilePaths = body.Files,
                Comment = body.Comment?.Text ?? "",
                Tags = body.Comment?.Tags ?? [],
                Enhancement = body.Options?.Enhancement ?? true,
                Retry = retry,
                SendTime = sendTime,
                CoverPageJson = body.CoverPage is null ? null : JsonSerializer.Serialize(body.CoverPage, FaxPlusJson.Options),
                ClientIp = http.Connection.RemoteIpAddress?.ToString(),
                IdempotencyKey = idempotencyKey,
                RequestHash = idempotencyKey is null ? null : Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(body, FaxPlusJson.Options))),
            }, http.RequestAborted).ConfigureAwait(false);
        }
        catch (FaxRequestException e)
        {
            return e.Code is "idempotency_key_reused" or "idempotency_key_in_use"
                ? FaxPlusErrors.Of(StatusCodes.Status409Conflict, e.Code, e.Message)
                : FaxPlusErrors.BadRequest(e.Code, e.Message);
        }

        if (result.Replayed)
        {
            http.Response.Headers[IdempotentReplayedHeader] = "true";
        }

        var response = body.ReturnIds == true
            ? new SendFaxResponse { Ids = result.Jobs.GroupBy(j => j.Destination).ToDictionary(g => g.Key, g => g.First().HookId) }
            : new SendFaxResponse();
        return Results.Json(response, FaxPlusJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListOutbox(HttpContext http, string user_id, IJobRepository repository)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var entries = await repository.ListOutboxAsync(account!.Id, http.RequestAborted).ConfigureAwait(false);
        var records = new List<OutboxRecord>(entries.Count);
        foreach (var entry in entries)
        {
            records.Add(await OutboxRecordAsync(repository, entry, http.RequestAborted).ConfigureAwait(false));
        }

        return Ok(new OutboxList(records));
    }

    private static async Task<OutboxRecord> OutboxRecordAsync(IJobRepository repository, OutboxEntry entry, CancellationToken cancellationToken)
    {
        var jobs = await repository.ListJobsAsync(entry.Id, cancellationToken).ConfigureAwait(false);
        var changes = await repository.ListStateChangesAsync(entry.Id, cancellationToken).ConfigureAwait(false);
        return FaxPlusMapping.Outbox(entry, jobs, changes);
    }

    private static async Task<(OutboxEntry? Entry, IReadOnlyList<FaxJob> Jobs, IResult? Error)> FindOutboxAsync(HttpContext http, string userId, string outboxId)
    {
        var (account, error) = await ResolveUserAsync(http, userId).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, [], error);
        }

        var repository = http.RequestServices.GetRequiredService<IJobRepository>();
        var entry = await repository.GetOutboxAsync(account!.Id, outboxId, http.RequestAborted).ConfigureAwait(false);
        var jobs = entry is null ? [] : await repository.ListJobsAsync(entry.Id, http.RequestAborted).ConfigureAwait(false);
        return entry is null || jobs.All(j => JobService.IsFinal(j.State))
            ? (null, [], FaxPlusErrors.NotFound($"No outbox entry '{outboxId}' (it may have left the outbox)."))
            : (entry, jobs, null);
    }

    private static async Task<IResult> GetOutbox(HttpContext http, string user_id, string outbox_fax_id, IJobRepository repository)
    {
        var (entry, _, error) = await FindOutboxAsync(http, user_id, outbox_fax_id).ConfigureAwait(false);
        return error ?? Ok(await OutboxRecordAsync(repository, entry!, http.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> UpdateOutbox(HttpContext http, string user_id, string outbox_fax_id, IJobRepository repository)
    {
        var (entry, jobs, error) = await FindOutboxAsync(http, user_id, outbox_fax_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var (body, bad) = await FaxPlusJson.ReadAsync<PayloadOutboxModification>(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        if (jobs.Any(j => j.State == JobState.Sending))
        {
            return FaxPlusErrors.Conflict("The fax is being transmitted.");
        }

        if (body!.Comment is not null)
        {
            await repository.UpdateCommentAsync(entry!.AccountId, entry.Id, body.Comment, http.RequestAborted).ConfigureAwait(false);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> DeleteOutbox(HttpContext http, string user_id, string outbox_fax_id, JobService jobs)
    {
        var (entry, _, error) = await FindOutboxAsync(http, user_id, outbox_fax_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        return await jobs.CancelAsync(entry!.AccountId, entry.Id, http.RequestAborted).ConfigureAwait(false) switch
        {
            CancelOutcome.Cancelled => Results.NoContent(),
            CancelOutcome.Busy => FaxPlusErrors.Conflict("The fax is being transmitted and cannot be cancelled now."),
            _ => FaxPlusErrors.NotFound($"No outbox entry '{outbox_fax_id}'."),
        };
    }

    // ---- faxes ----------------------------------------------------------------------------------

    private static async Task<IResult> ListFaxes(HttpContext http, string user_id, IFaxRepository faxes, IOptions<ApiOptions> options)
    {
        var (account, error) = await ResolveUserAsync(http, user_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var query = http.Request.Query;
        FaxCategory? category = query["category"].ToString() switch
        {
            "" => null,
            "inbox" => FaxCategory.Inbox,
            "sent" => FaxCategory.Sent,
            "spam" => FaxCategory.Spam,
            var other => (FaxCategory)(-1),
        };
        if (category == (FaxCategory)(-1))
        {
            return FaxPlusErrors.BadRequest("invalid_category", $"category must be inbox, sent or spam, not '{query["category"]}'.");
        }

        DateTimeOffset? after = null, before = null;
        if (query["after"].ToString() is { Length: > 0 } afterText)
        {
            if (!FaxPlusJson.TryParseUtc(afterText, out var a))
            {
                return FaxPlusErrors.BadRequest("invalid_date", $"after '{afterText}' is not 'YYYY-MM-DD HH:mm:ss'.");
            }

            after = a;
        }

        if (query["before"].ToString() is { Length: > 0 } beforeText)
        {
            if (!FaxPlusJson.TryParseUtc(beforeText, out var b))
            {
                return FaxPlusErrors.BadRequest("invalid_date", $"before '{beforeText}' is not 'YYYY-MM-DD HH:mm:ss'.");
            }

            before = b;
        }

        var limit = 50;
        if (query["limit"].ToString() is { Length: > 0 } limitText &&
            (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > options.Value.MaxListLimit))
        {
            return FaxPlusErrors.BadRequest("invalid_limit", $"limit must be a whole number from 1 to {options.Value.MaxListLimit}.");
        }

        var records = await faxes.ListAsync(new FaxQuery(account!.Id, category, after, before, limit), http.RequestAborted).ConfigureAwait(false);
        return Ok(new FaxList(new FaxListData([.. records.Select(FaxPlusMapping.Fax)])));
    }

    private static async Task<IResult> GetFax(HttpContext http, string user_id, string fax_id)
    {
        var (fax, error) = await FindFaxAsync(http, user_id, fax_id).ConfigureAwait(false);
        return error ?? Ok(FaxPlusMapping.Fax(fax!));
    }

    private static async Task<IResult> GetFaxTrace(HttpContext http, string user_id, string fax_id, ICallTraceStore traces)
    {
        var (fax, error) = await FindFaxAsync(http, user_id, fax_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var trace = await traces.ReadAsync(fax!.SessionId, http.RequestAborted).ConfigureAwait(false);
        return trace is null
            ? FaxPlusErrors.NotFound($"No call trace was kept for fax '{fax_id}'.")
            : Results.Text(trace, "text/plain; charset=utf-8");
    }

    private static async Task<IResult> UpdateFax(HttpContext http, string user_id, string fax_id, IFaxRepository faxes, TimeProvider time)
    {
        var (fax, error) = await FindFaxAsync(http, user_id, fax_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var (body, bad) = await FaxPlusJson.ReadAsync<PayloadFaxModification>(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        await faxes.UpdateAsync(fax!.AccountId, fax.Id, body!.Comment, body.IsRead, time.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteFax(HttpContext http, string user_id, string fax_id, IFaxRepository faxes, IFileContentStore store)
    {
        var (fax, error) = await FindFaxAsync(http, user_id, fax_id).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var (deleted, file) = await faxes.DeleteAsync(fax!.AccountId, fax.Id, http.RequestAborted).ConfigureAwait(false);
        if (file is not null)
        {
            store.Delete(file.RelativePath);
        }

        return deleted ? Results.NoContent() : FaxPlusErrors.NotFound($"No fax '{fax_id}' in this account.");
    }

    // ---- hooks ----------------------------------------------------------------------------------

    private static bool IsEvent(string value) => value is "fax_sent" or "fax_received";

    private static async Task<IResult> ListHooks(HttpContext http, IWebhookRepository hooks)
    {
        var eventName = http.Request.Query["event"].ToString();
        if (!IsEvent(eventName))
        {
            return FaxPlusErrors.BadRequest("invalid_event", "The query parameter event must be fax_sent or fax_received.");
        }

        var list = await hooks.ListAsync(FaxPlusAuthFilter.Caller(http).Account.Id, eventName, http.RequestAborted).ConfigureAwait(false);
        return Ok(new WebhookList([.. list.Select(FaxPlusMapping.Webhook)]));
    }

    private static async Task<IResult> CreateHook(HttpContext http, IWebhookRepository hooks, TimeProvider time)
    {
        var (body, bad) = await FaxPlusJson.ReadAsync<WebhookPayload>(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        if (!IsEvent(body!.Event))
        {
            return FaxPlusErrors.BadRequest("invalid_event", $"event must be fax_sent or fax_received, not '{body.Event}'.");
        }

        if (!Uri.TryCreate(body.Target, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https") || body.Target.Length > 2000)
        {
            return FaxPlusErrors.BadRequest("invalid_target", $"target '{body.Target}' is not an absolute http(s) URL.");
        }

        var numbers = new List<string>();
        if (body.Numbers is not null)
        {
            if (body.Numbers.Count == 0)
            {
                return FaxPlusErrors.BadRequest("invalid_request", "numbers, when given, must not be empty.");
            }

            foreach (var n in body.Numbers)
            {
                if (!PhoneNumbers.TryNormalize(n, out var normalized))
                {
                    return FaxPlusErrors.BadRequest("invalid_number", $"'{n}' is not a fax number.");
                }

                numbers.Add(normalized);
            }
        }

        var hook = new Webhook
        {
            Id = FaxIds.NewShort(),
            AccountId = FaxPlusAuthFilter.Caller(http).Account.Id,
            Target = target,
            Event = body.Event,
            Numbers = numbers,
            SigningSecret = FaxIds.NewHex(64),
            CreatedAt = time.GetUtcNow(),
        };
        await hooks.AddAsync(hook, http.RequestAborted).ConfigureAwait(false);
        return Results.Json(new WebhookIdResponse(hook.Id, hook.SigningSecret), FaxPlusJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> DeleteHook(HttpContext http, string hook_id, IWebhookRepository hooks) =>
        await hooks.DeleteAsync(FaxPlusAuthFilter.Caller(http).Account.Id, hook_id, http.RequestAborted).ConfigureAwait(false)
            ? Results.NoContent()
            : FaxPlusErrors.NotFound($"No webhook '{hook_id}'.");

    private static IResult Ok<T>(T value) => Results.Json(value, FaxPlusJson.Options);
}
