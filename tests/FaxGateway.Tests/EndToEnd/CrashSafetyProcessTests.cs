using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaxGateway.Documents.Rendering;
using FaxGateway.Imaging;
using FaxGateway.Tests.Operations;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace FaxGateway.Tests.EndToEnd;

/// <summary>
/// Crash safety as an admin would meet it: the real <c>faxgw run --simulate 2</c> process is SIGKILLed
/// (Kill(entireProcessTree)) at seeded random moments while 50 accepted faxes run, and restarted on the same
/// data folder each time. Afterwards every accepted job has ended exactly once (one sent-history record, success
/// or failure), a success is never without the far end's pages, and every job's final fax_sent webhook arrived.
/// </summary>
[Collection(DaemonProcessCollection.Name)]
public sealed partial class CrashSafetyProcessTests(ITestOutputHelper output)
{
    private const int Jobs = 50;
    private const int Kills = 5;
    private const int Documents = 30;
    private const int DocumentsPerRun = 2;

    /// <summary>A destination no simulated line has: the call gets NO CARRIER.</summary>
    private const string Unreachable = "+41445550199";

    // Short retry delays and polls so the whole run, kills included, stays well inside CI's budget.
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["FAXGW_Queue__PollInterval"] = "00:00:00.200",
        ["FAXGW_Queue__MaxConcurrentPerDestination"] = "1",
        ["FAXGW_Queue__Interrupted__Delay"] = "00:00:00.500",
        ["FAXGW_Queue__NoCarrier__Delay"] = "00:00:00.500",
        ["FAXGW_Queue__ProtocolError__Delay"] = "00:00:00.500",
        ["FAXGW_Queue__LineFault__Delay"] = "00:00:00.500",
        ["FAXGW_Queue__Busy__Delay"] = "00:00:00.500",
        ["FAXGW_Queue__NoAnswer__Delay"] = "00:00:00.500",
        ["FAXGW_Queue__PartialPages__Delay"] = "00:00:00.500",
        ["FAXGW_Api__CallbackPollInterval"] = "00:00:00.200",
        ["FAXGW_Api__CallbackFirstDelay"] = "00:00:00.500",
        ["FAXGW_Api__CallbackMaxDelay"] = "00:00:02",
    };

    [Fact]
    public async Task Fifty_jobs_through_repeated_sigkills_each_end_exactly_once_with_their_webhook()
    {
        using var temp = new TempFolder();
        var data = Path.Combine(temp.Path, "data");
        var random = new Random(6006);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        using var listener = new WebhookListener();

        // First start: the token is printed only now; later starts reuse it (same data folder).
        var daemon = DaemonProcess.Start(data, Environment, "--simulate", "2");
        try
        {
            var token = await daemon.Token.WaitAsync(cts.Token);
            var numbers = await LineNumbersAsync(daemon, cts.Token);
            var http = await ConnectAsync(daemon, token, cts.Token);
            var response = await http.PostAsJsonAsync("/v3/hooks", new { target = listener.Url, @event = "fax_sent" }, cts.Token);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);

            // One small bilevel TIFF: converts without Ghostscript, so the calls dominate, not conversion.
            using var tiff = new MemoryStream();
            TiffFax.Write(tiff, [new PageRaster(1728, 200)], FaxCodingOptions.Mmr);
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(tiff.ToArray());
            file.Headers.ContentType = new MediaTypeHeaderValue("image/tiff");
            form.Add(file, "fax_file", "page.tiff");
            var upload = await http.PostAsync("/v3/accounts/self/files", form, cts.Token);
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            var path = (await upload.Content.ReadFromJsonAsync<JsonElement>(cts.Token)).GetProperty("path").GetString();

            // 50 accepted jobs, all from sim0 to sim1 (the only receiving line): one recipient per POST, so each
            // return_ids answer names exactly one job.
            var accepted = new List<string>();
            for (var i = 0; i < Jobs; i++)
            {
                var send = await http.PostAsJsonAsync("/v3/accounts/self/outbox", new { from = numbers[0], to = new[] { numbers[1] }, files = new[] { path }, return_ids = true }, cts.Token);
                Assert.Equal(HttpStatusCode.Created, send.StatusCode);
                var ids = (await send.Content.ReadFromJsonAsync<JsonElement>(cts.Token)).GetProperty("ids");
                accepted.Add(ids.GetProperty(numbers[1]).GetString()!);
            }

            Assert.Equal(Jobs, accepted.Distinct().Count());

            // Seeded crashes: each after a random 0.3-1.5 s of running or a random number of new fax_sent
            // deliveries, whichever comes first; then a restart on the same data folder.
            var kills = 0;
            for (; kills < Kills; kills++)
            {
                var seenBefore = listener.DistinctCount("fax_sent");
                var wantMore = random.Next(2, 9);
                using var runFor = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                runFor.CancelAfter(TimeSpan.FromMilliseconds(random.Next(300, 1500)));
                try
                {
                    await Eventually.WaitUntilAsync(() => Task.FromResult(listener.DistinctCount("fax_sent") >= seenBefore + wantMore || daemon.HasExited), runFor.Token);
                }
                catch (OperationCanceledException) when (!cts.IsCancellationRequested)
                {
                    // The random running time is over: crash now.
                }

                Assert.False(daemon.HasExited, daemon.Output);
                var pending = (await http.GetFromJsonAsync<JsonElement>("/v3/accounts/self/outbox", cts.Token)).GetProperty("records").GetArrayLength();
                output.WriteLine($"kill {kills + 1}: {listener.DistinctCount("fax_sent")} fax_sent so far, {pending} jobs in the outbox");
                http.Dispose();
                daemon.Dispose(); // SIGKILL of the whole process tree: no shutdown code runs.
                daemon = DaemonProcess.Start(data, Environment, "--simulate", "2");
                http = await ConnectAsync(daemon, token, cts.Token);
            }

            // Let the last run finish everything: the outbox empties and every fax_sent webhook goes out.
            await Eventually.WaitUntilAsync(
                async () => (await http.GetFromJsonAsync<JsonElement>("/v3/accounts/self/outbox", cts.Token)).GetProperty("records").GetArrayLength() == 0,
                cts.Token);

            var sentHistory = await RecordsAsync(http, "sent", cts.Token);
            var inbox = await RecordsAsync(http, "inbox", cts.Token);

            // Exactly once: each accepted job resolves to one sent-history record, no two jobs share a record,
            // and there are no records beyond the accepted jobs (so no job was written twice).
            var finalStatus = new Dictionary<string, string>();
            var recordIds = new HashSet<string>();
            foreach (var hookId in accepted)
            {
                var fax = await http.GetFromJsonAsync<JsonElement>($"/v3/accounts/self/faxes/{hookId}", cts.Token);
                var status = fax.GetProperty("status").GetString()!;
                Assert.True(status != "sending" && status != "scheduled" && status != "converting", $"job {hookId} not final: {status}");
                Assert.True(recordIds.Add(fax.GetProperty("id").GetString()!), $"job {hookId} shares a sent record with another job");
                finalStatus[hookId] = status;
            }

            Assert.Equal(Jobs, sentHistory.Length);
            Assert.Equal(recordIds.Order(), sentHistory.Select(f => f.GetProperty("id").GetString()!).Order());

            // Nothing reported sent without the far end's MCF: every success carries the far end's confirmation
            // in its T.30 trace, for its one page.
            var successes = finalStatus.Values.Count(s => s == "success");
            output.WriteLine($"{successes} sent, {Jobs - successes} failed ({string.Join(", ", finalStatus.Values.Where(s => s != "success").Distinct())}), {inbox.Length} faxes at the far end");
            Assert.True(successes > 0, "no job got through at all");
            foreach (var success in sentHistory.Where(f => f.GetProperty("status").GetString() == "success"))
            {
                Assert.Equal(1, success.GetProperty("pages").GetInt32());
                var trace = await http.GetStringAsync($"/v3/accounts/self/faxes/{success.GetProperty("id").GetString()}/trace", cts.Token);
                Assert.Contains("MCF", trace, StringComparison.Ordinal);
            }

            // The far end (sim1, the same daemon) against the sender's view. Extra copies: a SIGKILL after the far
            // end's MCF but before the sender recorded it leaves the outcome unknown, so the job is sent again and
            // the far end may hold a second copy; fax has no end-to-end acknowledgement that could prevent it, so
            // at most one extra per kill. Missing copies: none. The receiver spools each page before its MCF and
            // commits what a stopped daemon left at the next start (the receive spool), so every fax reported sent
            // (every page confirmed by MCF) is in the inbox.
            Assert.True(inbox.Length <= successes + Kills, $"{inbox.Length} faxes arrived for {successes} successes and {Kills} kills");
            Assert.True(inbox.Length >= successes, $"{successes} reported sent but only {inbox.Length} faxes arrived at the far end");

            // Every job's final outcome was delivered as a fax_sent webhook at least once (distinct delivery ids;
            // a webhook cut short by a kill may arrive again, which is at-least-once by design).
            await Eventually.WaitUntilAsync(
                () => Task.FromResult(accepted.All(id => listener.Has("fax_sent", id, finalStatus[id]))),
                cts.Token);

            // No duplicate events: each job's end was one fax_sent event (one delivery id), however often a
            // restart made it go out again.
            var perJob = listener.Snapshot("fax_sent").GroupBy(d => d.Json.GetProperty("hook").GetProperty("id").GetString()!).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(accepted, id => Assert.Equal(1, perJob[id]));
            Assert.Equal(Jobs, perJob.Count);
            http.Dispose();
        }
        finally
        {
            daemon.Dispose();
        }
    }

    /// <summary>
    /// Kills that land inside requests, not only between calls: a client task uploads a distinct 1-3 page document
    /// and POSTs it to the outbox (every third one also to a number nobody answers), one after the other, a few
    /// documents per daemon run, while a killer task SIGKILLs the daemon at seeded moments: half-way through an
    /// upload's or a POST's body (the body stops at a seeded byte until the process is dead), right after an
    /// upload's or a POST's body was sent (the daemon is reading, storing, committing or answering), while a
    /// fax_sent webhook waits for its answer (it must come again), at a seeded random time, or during the next
    /// start (after the bootstrap, while the hosted services start and recover). An unanswered request is retried
    /// the way a client would; the FAX.PLUS API has no idempotency key, so each POST attempt carries its own
    /// comment and is judged alone: answered 201 means exactly one sent record per destination, unanswered means
    /// none or one per destination, and nothing is ever half-created.
    /// </summary>
    [Fact]
    public async Task Sigkills_inside_uploads_posts_and_restarts_lose_no_accepted_fax_and_half_create_nothing()
    {
        using var temp = new TempFolder();
        var data = Path.Combine(temp.Path, "data");
        // Seeded; FAXGW_TEST_CRASH_SEED explores other seeds by hand.
        var random = new Random(int.TryParse(System.Environment.GetEnvironmentVariable("FAXGW_TEST_CRASH_SEED"), out var seed) ? seed : 2207);
        var documents = Enumerable.Range(0, Documents).Select(n => CrashDocument.Make(n, random)).ToArray();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(200));
        using var listener = new WebhookListener();
        // The unreachable destination's NO CARRIER counts against the sending line; a line taken out of service
        // would wait a minute for its probe, so this test lets it fail as often as it likes.
        using var runs = new DaemonRuns(data, new Dictionary<string, string>(Environment) { ["FAXGW_Lines__MaxConsecutiveFailures"] = "1000" });

        var run = await runs.StartReadyAsync(cts.Token);
        var numbers = await LineNumbersAsync(run.Daemon, cts.Token);
        var hook = await run.Http.PostAsJsonAsync("/v3/hooks", new { target = listener.Url, @event = "fax_sent" }, cts.Token);
        Assert.Equal(HttpStatusCode.Created, hook.StatusCode);

        var client = new CrashClient(runs, documents, numbers);
        var clientTask = Task.Run(() => client.RunAsync(cts.Token), cts.Token);

        // Two kills of each kind, in a seeded order; a start-up kill is a second kill right after a restart.
        KillMoment[] moments = [.. Enum.GetValues<KillMoment>().SelectMany(m => new[] { m, m }).OrderBy(_ => random.Next())];
        var kills = 0;
        var triggers = new List<KillTrigger>();
        var heldDeliveries = new List<string>();
        foreach (var moment in moments)
        {
            run = await runs.ReadyAsync(run.Generation - 1, cts.Token);
            var inRequest = moment is KillMoment.UploadBody or KillMoment.UploadSent or KillMoment.PostBody or KillMoment.PostSent;
            var arrived = new TaskCompletionSource<WebhookListener.Delivery>(TaskCreationOptions.RunContinuationsAsynchronously);
            var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Func<WebhookListener.Delivery, Task> hold = async d =>
            {
                arrived.TrySetResult(d);
                await answer.Task;
            };
            if (moment == KillMoment.WebhookDelivery)
            {
                listener.HoldNext(hold);
            }

            // Two documents per run; arming a request kill lets one of them start, so the client lasts all series.
            client.Allow(inRequest ? DocumentsPerRun - 1 : DocumentsPerRun);
            await RunForAsync(TimeSpan.FromMilliseconds(random.Next(300, 1500)), () => clientTask.IsCompleted, cts.Token);
            Assert.False(run.Daemon.HasExited, run.Daemon.Output);
            var landed = moment.ToString();
            if (inRequest)
            {
                var trigger = new KillTrigger(moment, random.NextDouble());
                triggers.Add(trigger);
                client.Arm(trigger);
                await Task.WhenAny(trigger.Reached, clientTask).WaitAsync(cts.Token);
                if (!trigger.Reached.IsCompleted)
                {
                    landed = "any (the client had finished)";
                }

                runs.Kill(run);
                trigger.Release();
            }
            else if (moment == KillMoment.WebhookDelivery)
            {
                // The next fax_sent delivery (held since the run began, so this run's documents bring one) waits for
                // its answer: the kill lands before the daemon hears 200.
                await RunForAsync(TimeSpan.FromSeconds(20), () => arrived.Task.IsCompleted, cts.Token);
                if (!listener.CancelHold(hold) && arrived.Task.IsCompleted)
                {
                    heldDeliveries.Add((await arrived.Task).DeliveryId);
                }
                else
                {
                    landed = "any (no delivery came)";
                }

                runs.Kill(run);
                answer.TrySetResult();
            }
            else
            {
                runs.Kill(run);
            }

            kills++;
            if (moment == KillMoment.Startup)
            {
                var starting = runs.StartUnwatched();
                await Eventually.WaitUntilAsync(
                    () => Task.FromResult(starting.HasExited || starting.Output.Contains($"line sim1: number", StringComparison.Ordinal)),
                    cts.Token);
                Assert.False(starting.HasExited, starting.Output);
                starting.KillNow();
                kills++;
            }

            output.WriteLine($"kill {kills} ({landed}): {client.Describe()}, {listener.DistinctCount("fax_sent")} fax_sent so far");
            run = await runs.StartReadyAsync(cts.Token);
            await AssertOutboxWholeAsync(run.Http, client, cts.Token);
        }

        client.Allow(Documents);
        await clientTask.WaitAsync(cts.Token);
        run = await runs.ReadyAsync(run.Generation - 1, cts.Token);
        var http = run.Http;
        await Eventually.WaitUntilAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>("/v3/accounts/self/outbox", cts.Token)).GetProperty("records").GetArrayLength() == 0,
            cts.Token);
        output.WriteLine($"{kills} kills, client: {client.Describe()}");

        // Exactly once per POST attempt: an answered one has one sent record per destination (and the id it
        // answered names it); an unanswered one has none or one per destination, never some of them; no record
        // belongs to anything else.
        var sent = await RecordsAsync(http, "sent", cts.Token);
        var byComment = sent.GroupBy(f => f.GetProperty("comment").GetString()!).ToDictionary(g => g.Key, g => g.ToArray());
        Assert.All(byComment.Keys, c => Assert.True(client.Attempts.ContainsKey(c), $"a sent record for '{c}', which no client sent"));
        foreach (var attempt in client.Attempts.Values)
        {
            var records = byComment.GetValueOrDefault(attempt.Comment) ?? [];
            var perDestination = records.GroupBy(r => r.GetProperty("to").GetString()!).ToDictionary(g => g.Key, g => g.ToArray());
            if (attempt.HookIds is { } hookIds)
            {
                Assert.True(records.Length == attempt.To.Count, $"'{attempt.Comment}' was accepted for {attempt.To.Count} destinations but has {records.Length} sent records");
                foreach (var (destination, hookId) in hookIds)
                {
                    Assert.True(perDestination.TryGetValue(destination, out var one) && one.Length == 1, $"'{attempt.Comment}' to {destination} ({hookId}) has no single sent record");
                    var byHook = await http.GetFromJsonAsync<JsonElement>($"/v3/accounts/self/faxes/{hookId}", cts.Token);
                    Assert.Equal(one[0].GetProperty("id").GetString(), byHook.GetProperty("id").GetString());
                }
            }
            else
            {
                Assert.True(records.Length == 0 || (records.Length == attempt.To.Count && attempt.To.All(perDestination.ContainsKey)), $"unanswered '{attempt.Comment}' has {records.Length} sent records for {attempt.To.Count} destinations");
            }
        }

        foreach (var trigger in triggers.Where(t => t.Answered is not null))
        {
            var fate = trigger.Answered == true ? "answered all the same" : byComment.ContainsKey(trigger.Request) ? "unanswered, but the job exists" : "unanswered";
            output.WriteLine($"{trigger.Moment} kill hit the {trigger.Request}: {fate}");
        }

        var unansweredButAccepted = client.Attempts.Values.Count(a => a.HookIds is null && byComment.ContainsKey(a.Comment));
        output.WriteLine($"{client.Attempts.Values.Count(a => a.HookIds is null)} POSTs unanswered, {unansweredButAccepted} of them had been accepted (a retrying client without an Idempotency-Key sends those twice; keyed documents were answered on their retry)");

        // Nothing reported sent without MCF: a success carries all of its document's pages and the far end's MCF;
        // the document served for any record is the upload, intact.
        var successes = new Dictionary<int, int>();
        foreach (var record in sent)
        {
            var id = record.GetProperty("id").GetString()!;
            var status = record.GetProperty("status").GetString()!;
            var document = documents[client.Attempts[record.GetProperty("comment").GetString()!].Document];
            Assert.True(status != "sending" && status != "scheduled" && status != "converting", $"record {id} not final: {status}");
            if (record.GetProperty("to").GetString() == Unreachable)
            {
                Assert.True(status != "success" && record.GetProperty("pages").GetInt32() == 0, $"record {id} to a number nobody answers: {status}, {record.GetProperty("pages")} pages");
            }
            else if (status == "success")
            {
                Assert.Equal(document.Pages.Count, record.GetProperty("pages").GetInt32());
                Assert.Contains("MCF", await http.GetStringAsync($"/v3/accounts/self/faxes/{id}/trace", cts.Token), StringComparison.Ordinal);
                successes[document.Number] = successes.GetValueOrDefault(document.Number) + 1;
            }
            else
            {
                Assert.True(record.GetProperty("pages").GetInt32() < document.Pages.Count, $"failed record {id} counts all {document.Pages.Count} pages");
            }

            if (record.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.String)
            {
                var served = TiffFax.Read(new MemoryStream(await http.GetByteArrayAsync($"/v3/accounts/self/files/{id}?format=tiff", cts.Token)));
                Assert.True(served.Count == document.Pages.Count && document.SamePages(served, first: 0, fromRow: 0), $"record {id} ({status}) serves other pages: {document.Describe(served)}");
            }
        }

        var successCount = successes.Values.Sum();
        Assert.True(successCount > 0, "no fax got through at all");

        // The far end: every received fax is a run of consecutive pages of one document (below the header line the
        // sender stamps): the whole of it, its first pages (a call cut off by a kill keeps the pages the receiver had
        // confirmed) or, after a call that failed part-way, the pages a resumed call sent; so no half page reached
        // an inbox. Every page of a document reported sent is there at least once per success (the receive spool
        // keeps each page before its MCF). Extra copies of a page: a kill after the far end's MCF, before the sender
        // recorded it, sends those pages again (see the first test), or a job that failed after some pages got
        // through: at most one per kill and one per failed job.
        var inbox = await RecordsAsync(http, "inbox", cts.Token);
        var copies = documents.ToDictionary(d => d.Number, d => new int[d.Pages.Count]);
        var notWhole = 0;
        foreach (var fax in inbox)
        {
            var id = fax.GetProperty("id").GetString()!;
            var pages = TiffFax.Read(new MemoryStream(await http.GetByteArrayAsync($"/v3/accounts/self/files/{id}?format=tiff", cts.Token)));
            Assert.Equal(pages.Count, fax.GetProperty("pages").GetInt32());
            var match = documents
                .SelectMany(d => Enumerable.Range(0, d.Pages.Count).Select(first => (Document: d, First: first)))
                .FirstOrDefault(m => m.Document.SamePages(pages, m.First, PageHeaderLine.BandRows(m.Document.Pages[0].YDpi)));
            Assert.True(match.Document is not null, $"inbox fax {id} ({pages.Count} pages) is no run of pages of any document sent");
            notWhole += pages.Count < match.Document.Pages.Count ? 1 : 0;
            for (var p = match.First; p < match.First + pages.Count; p++)
            {
                copies[match.Document.Number][p]++;
            }
        }

        var missing = documents.Sum(d => copies[d.Number].Count(c => c < successes.GetValueOrDefault(d.Number)));
        var extra = documents.Sum(d => Math.Max(0, copies[d.Number].Max() - successes.GetValueOrDefault(d.Number)));
        var failedToTheFarEnd = sent.Count(r => r.GetProperty("to").GetString() != Unreachable && r.GetProperty("status").GetString() != "success");
        output.WriteLine($"{successCount} sent, {sent.Length - successCount} failed ({failedToTheFarEnd} of them to the far end), {inbox.Length} received ({notWhole} not a whole document): {missing} pages missing, {extra} extra copies");
        Assert.True(missing == 0, $"{missing} pages of faxes reported sent are not at the far end");
        Assert.True(extra <= kills + failedToTheFarEnd, $"{extra} extra copies at the far end for {kills} kills and {failedToTheFarEnd} failed jobs");

        // Every record's final outcome went out as a fax_sent webhook at least once, one event per job.
        await Eventually.WaitUntilAsync(
            () => Task.FromResult(sent.All(r => listener.HasFile("fax_sent", r.GetProperty("id").GetString()!, r.GetProperty("status").GetString()!))),
            cts.Token);
        var perJob = listener.Snapshot("fax_sent").GroupBy(d => d.Json.GetProperty("hook").GetProperty("id").GetString()!).ToArray();
        Assert.Equal(sent.Length, perJob.Length);
        Assert.All(perJob, g => Assert.Single(g));

        // A delivery whose answer a kill cut off was not taken as delivered: it came again after the restart.
        output.WriteLine($"{heldDeliveries.Count} fax_sent deliveries cut off by a kill before their answer");
        Assert.All(heldDeliveries, id => Assert.True(listener.Arrivals(id) >= 2, $"delivery {id}, cut off by a kill before its answer, never came again"));

        // The stores behind the API, read after the last kill: nothing half-created, every upload intact.
        runs.Kill(run);
        var acknowledged = client.Uploads.ToDictionary(u => u.FileId, u => documents[u.Document]);
        var (orphans, uploadRows) = StoreCheck.Verify(data, acknowledged, documents);
        output.WriteLine($"{client.Uploads.Count} uploads answered, {uploadRows} upload records, {orphans} stored files without a record after the last kill (a kill between a file's rename into place and its record's commit)");

        // One more start, with every job final and no client: it removes those files, and only those.
        run = await runs.StartReadyAsync(cts.Token);
        runs.Kill(run);
        (orphans, _) = StoreCheck.Verify(data, acknowledged, documents);
        Assert.Equal(0, orphans);
    }

    /// <summary>An outbox entry the API lists always has its open job(s), to the POST's destinations, and belongs to a POST the client made.</summary>
    private static async Task AssertOutboxWholeAsync(HttpClient http, CrashClient client, CancellationToken cancellationToken)
    {
        var records = (await http.GetFromJsonAsync<JsonElement>("/v3/accounts/self/outbox", cancellationToken)).GetProperty("records");
        foreach (var record in records.EnumerateArray())
        {
            var comment = record.GetProperty("comment").GetProperty("text").GetString()!;
            Assert.True(client.Attempts.TryGetValue(comment, out var attempt), $"outbox entry '{comment}' from no client POST");
            Assert.All(record.GetProperty("to").EnumerateArray(), to => Assert.Contains(to.GetString(), attempt.To));
            if (record.GetProperty("to").GetArrayLength() == 0)
            {
                // Listed, then its job ended before the jobs were read: it must have left the outbox since.
                var again = await http.GetAsync($"/v3/accounts/self/outbox/{record.GetProperty("id").GetString()}", cancellationToken);
                Assert.True(again.StatusCode == HttpStatusCode.NotFound, $"outbox entry '{comment}' without its job: {record}");
            }
        }
    }

    /// <summary>Lets the daemon run for <paramref name="duration"/> unless <paramref name="stop"/> holds first.</summary>
    private static async Task RunForAsync(TimeSpan duration, Func<bool> stop, CancellationToken cancellationToken)
    {
        using var runFor = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        runFor.CancelAfter(duration);
        try
        {
            await Eventually.WaitUntilAsync(() => Task.FromResult(stop()), runFor.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The running time is over.
        }
    }

    internal enum KillMoment
    {
        UploadBody,
        UploadSent,
        PostBody,
        PostSent,
        WebhookDelivery,
        Anytime,
        Startup,
    }

    /// <summary>One outbox POST of the client: its own comment, the document, its destinations, and the job ids if it was answered.</summary>
    internal sealed record PostAttempt(string Comment, int Document, IReadOnlyList<string> To, IReadOnlyDictionary<string, string>? HookIds);

    internal sealed record AnsweredUpload(string FileId, int Document);

    /// <summary>A distinct bilevel document: 1-3 fine pages with seeded black blocks below the header band.</summary>
    internal sealed record CrashDocument(int Number, IReadOnlyList<PageRaster> Pages, byte[] Tiff)
    {
        public static CrashDocument Make(int number, Random random)
        {
            var pages = new List<PageRaster>();
            var band = PageHeaderLine.BandRows(196);
            for (var p = random.Next(1, 4); p > 0; p--)
            {
                var page = new PageRaster(1728, random.Next(band + 120, band + 240));
                for (var block = 0; block < 8; block++)
                {
                    int x0 = random.Next(0, 1600), y0 = random.Next(band + 4, page.Height - 2), width = random.Next(8, 128), height = random.Next(2, 24);
                    for (var y = y0; y < Math.Min(y0 + height, page.Height); y++)
                    {
                        for (var x = x0; x < x0 + width; x++)
                        {
                            page[x, y] = true;
                        }
                    }
                }

                pages.Add(page);
            }

            using var tiff = new MemoryStream();
            TiffFax.Write(tiff, pages, FaxCodingOptions.Mmr);
            return new CrashDocument(number, pages, tiff.ToArray());
        }

        /// <summary>
        /// <paramref name="other"/> is this document's pages from page <paramref name="first"/> (0-based) on, compared from
        /// <paramref name="fromRow"/> down (the sender stamps a header line above); conversion pads each page white to
        /// the paper's length.
        /// </summary>
        public bool SamePages(IReadOnlyList<TiffFaxPage> other, int first, int fromRow) =>
            other.Count > 0 && first + other.Count <= Pages.Count && Pages.Skip(first).Zip(other).All(p =>
                p.First.Width == p.Second.Raster.Width && p.First.Height <= p.Second.Raster.Height
                && Enumerable.Range(fromRow, p.First.Height - fromRow).All(y => p.First.ReadRow(y).SequenceEqual(p.Second.Raster.ReadRow(y)))
                && Enumerable.Range(p.First.Height, p.Second.Raster.Height - p.First.Height).All(y => !p.Second.Raster.ReadRow(y).ContainsAnyExcept((byte)0)));

        public string Describe(IReadOnlyList<TiffFaxPage> other) =>
            $"{other.Count} pages of {string.Join("/", other.Select(p => $"{p.Raster.Width}x{p.Raster.Height}"))} for document {Number}'s {string.Join("/", Pages.Select(p => $"{p.Width}x{p.Height}"))}";
    }

    /// <summary>
    /// A kill point inside a request body: the body stops at a seeded byte (mid-body kinds) or at its end, reports
    /// it, and (mid-body only) waits there until the daemon is dead.
    /// </summary>
    internal sealed class KillTrigger(KillMoment moment, double fraction)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public KillMoment Moment => moment;

        public Task Reached => _reached.Task;

        /// <summary>What the kill hit: the request carrying the trigger and whether it was answered anyway.</summary>
        public string Request { get; private set; } = "";

        public bool? Answered { get; private set; }

        public bool IsUpload => moment is KillMoment.UploadBody or KillMoment.UploadSent;

        public int StopAt(int length) => moment is KillMoment.UploadBody or KillMoment.PostBody
            ? Math.Clamp((int)(length * fraction), 1, length - 1)
            : length;

        public async Task OnReachedAsync()
        {
            _reached.TrySetResult();
            if (moment is KillMoment.UploadBody or KillMoment.PostBody)
            {
                await _released.Task;
            }
        }

        public void Release() => _released.TrySetResult();

        public void Hit(string request, bool answered) => (Request, Answered) = (request, answered);
    }

    /// <summary>A request body that may carry a <see cref="KillTrigger"/>; its length is known, so no chunked encoding.</summary>
    private sealed class TriggeredContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly KillTrigger? _trigger;

        public TriggeredContent(byte[] body, MediaTypeHeaderValue contentType, KillTrigger? trigger)
        {
            _body = body;
            _trigger = trigger;
            Headers.ContentType = contentType;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            if (_trigger is null)
            {
                await stream.WriteAsync(_body);
                return;
            }

            var stop = _trigger.StopAt(_body.Length);
            await stream.WriteAsync(_body.AsMemory(0, stop));
            await stream.FlushAsync();
            await _trigger.OnReachedAsync();
            await stream.WriteAsync(_body.AsMemory(stop));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }

    /// <summary>
    /// The client: per document, upload then POST; an unanswered request (the daemon died under it) is repeated
    /// on the next daemon. Any other failure, or a non-201 answer, fails the test.
    /// </summary>
    private sealed class CrashClient(DaemonRuns runs, CrashDocument[] documents, string[] numbers)
    {
        private readonly ConcurrentDictionary<string, PostAttempt> _attempts = new();
        private readonly ConcurrentQueue<AnsweredUpload> _uploads = new();
        private KillTrigger? _uploadTrigger;
        private KillTrigger? _postTrigger;
        private int _allowed;
        private int _accepted;
        private int _unansweredPosts;
        private int _unansweredUploads;
        private int _documentsDone;

        public IReadOnlyDictionary<string, PostAttempt> Attempts => _attempts;

        public IReadOnlyCollection<AnsweredUpload> Uploads => _uploads;

        /// <summary>Lets the client start <paramref name="count"/> more documents.</summary>
        public void Allow(int count) => Interlocked.Add(ref _allowed, count);

        /// <summary>The next request of the trigger's kind carries it (and one more document may start, so one comes).</summary>
        public void Arm(KillTrigger trigger)
        {
            Allow(1);
            if (trigger.IsUpload)
            {
                Volatile.Write(ref _uploadTrigger, trigger);
            }
            else
            {
                Volatile.Write(ref _postTrigger, trigger);
            }
        }

        public string Describe() =>
            $"{Volatile.Read(ref _documentsDone)}/{documents.Length} documents, {Volatile.Read(ref _accepted)} POSTs answered, {Volatile.Read(ref _unansweredPosts)} unanswered, {_uploads.Count} uploads answered, {Volatile.Read(ref _unansweredUploads)} unanswered";

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            foreach (var document in documents)
            {
                // The killer hands out documents a few per run, so they spread over the whole series of kills.
                await Eventually.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref _allowed) > document.Number), cancellationToken);
                var path = await UploadAsync(document, cancellationToken);
                await PostAsync(document, path, cancellationToken);
                Interlocked.Increment(ref _documentsDone);
            }
        }

        private async Task<string> UploadAsync(CrashDocument document, CancellationToken cancellationToken)
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(document.Tiff);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/tiff");
            form.Add(file, "fax_file", $"document-{document.Number}.tiff");
            var body = await form.ReadAsByteArrayAsync(cancellationToken);
            var failedOn = 0;
            while (true)
            {
                var run = await runs.ReadyAsync(failedOn, cancellationToken);
                var trigger = Interlocked.Exchange(ref _uploadTrigger, null);
                using var content = new TriggeredContent(body, form.Headers.ContentType!, trigger);
                var answer = await SendAsync(run, HttpMethod.Post, "/v3/accounts/self/files", content, cancellationToken);
                trigger?.Hit($"upload of document {document.Number}", answer is not null);
                if (answer is null)
                {
                    Interlocked.Increment(ref _unansweredUploads);
                    failedOn = run.Generation;
                    continue;
                }

                var path = answer.Value.GetProperty("path").GetString()!;
                Assert.StartsWith("/transient-", path, StringComparison.Ordinal);
                _uploads.Enqueue(new AnsweredUpload(path["/transient-".Length..], document.Number));
                return path;
            }
        }

        private async Task PostAsync(CrashDocument document, string path, CancellationToken cancellationToken)
        {
            var failedOn = 0;

            // Every other document is sent as a careful client does: its retries carry the first attempt's
            // Idempotency-Key, so an attempt that was accepted but never answered is answered on the retry, not doubled.
            // The others are judged attempt by attempt (a client without the key may send those twice).
            var key = document.Number % 2 == 0 ? $"crash-document-{document.Number}" : null;
            for (var attempt = 0; ; attempt++)
            {
                var comment = key is null ? $"document {document.Number} attempt {attempt}" : $"document {document.Number} keyed";

                // Every third document also goes to a number nobody answers, tried once: an outbox entry of two jobs,
                // one of which fails, and (retry count 1) a job a kill interrupts ends failed instead of retrying.
                string[] to = document.Number % 3 == 2 ? [numbers[1], Unreachable] : [numbers[1]];
                _attempts[comment] = new PostAttempt(comment, document.Number, to, null);
                var payload = new Dictionary<string, object> { ["from"] = numbers[0], ["to"] = to, ["files"] = new[] { path }, ["comment"] = new { text = comment }, ["return_ids"] = true };
                if (to.Length > 1)
                {
                    payload["options"] = new { retry = new { count = 1, delay = 0 } };
                }

                var json = JsonSerializer.SerializeToUtf8Bytes(payload);
                var run = await runs.ReadyAsync(failedOn, cancellationToken);
                var trigger = Interlocked.Exchange(ref _postTrigger, null);
                using var content = new TriggeredContent(json, new MediaTypeHeaderValue("application/json"), trigger);
                var answer = await SendAsync(run, HttpMethod.Post, "/v3/accounts/self/outbox", content, cancellationToken, key);
                trigger?.Hit(comment, answer is not null);
                if (answer is null)
                {
                    Interlocked.Increment(ref _unansweredPosts);
                    failedOn = run.Generation;
                    continue;
                }

                var ids = answer.Value.GetProperty("ids");
                _attempts[comment] = new PostAttempt(comment, document.Number, to, to.ToDictionary(n => n, n => ids.GetProperty(n).GetString()!));
                Interlocked.Increment(ref _accepted);
                return;
            }
        }

        /// <summary>The 201 answer's JSON, or null when the daemon was killed under the request.</summary>
        private static async Task<JsonElement?> SendAsync(DaemonRun run, HttpMethod method, string path, HttpContent content, CancellationToken cancellationToken, string? idempotencyKey = null)
        {
            HttpResponseMessage response;
            string text;
            try
            {
                var request = new HttpRequestMessage(method, path) { Content = content };
                if (idempotencyKey is not null)
                {
                    request.Headers.Add("Idempotency-Key", idempotencyKey);
                }

                response = await run.Http.SendAsync(request, cancellationToken);
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException) when (run.Killed)
            {
                return null;
            }

            using (response)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"{method} {path} answered {(int)response.StatusCode}: {text}");
                return JsonDocument.Parse(text).RootElement.Clone();
            }
        }
    }

    /// <summary>One start of the daemon on the shared data folder, and whether the test killed it.</summary>
    private sealed class DaemonRun(int generation, DaemonProcess daemon, HttpClient http)
    {
        private volatile bool _killed;

        public int Generation => generation;

        public DaemonProcess Daemon => daemon;

        public HttpClient Http => http;

        public bool Killed => _killed;

        public void MarkKilled() => _killed = true;
    }

    /// <summary>The daemon across its restarts: who is up and answering now, and a wait for the next one.</summary>
    private sealed class DaemonRuns(string data, IReadOnlyDictionary<string, string> environment) : IDisposable
    {
        private readonly object _gate = new();
        private readonly List<DaemonProcess> _processes = [];
        private readonly List<HttpClient> _clients = [];
        private string? _token;
        private int _generation;
        private DaemonRun? _ready;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Starts a daemon nobody talks to (for a kill during its start).</summary>
        public DaemonProcess StartUnwatched()
        {
            var daemon = DaemonProcess.Start(data, environment, "--simulate", "2");
            lock (_gate)
            {
                _processes.Add(daemon);
            }

            return daemon;
        }

        public async Task<DaemonRun> StartReadyAsync(CancellationToken cancellationToken)
        {
            var daemon = StartUnwatched();
            _token ??= await daemon.Token.WaitAsync(cancellationToken);
            var http = await ConnectAsync(daemon, _token, cancellationToken);
            lock (_gate)
            {
                _clients.Add(http);
                var run = new DaemonRun(++_generation, daemon, http);
                Publish(run);
                return run;
            }
        }

        /// <summary>The running daemon newer than generation <paramref name="after"/>, once it answers.</summary>
        public async Task<DaemonRun> ReadyAsync(int after, CancellationToken cancellationToken)
        {
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_ready is { } run && run.Generation > after)
                    {
                        return run;
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(cancellationToken);
            }
        }

        /// <summary>SIGKILL, at once (the simulated daemon with TIFF documents has no child processes): no shutdown code runs.</summary>
        public void Kill(DaemonRun run)
        {
            run.MarkKilled();
            lock (_gate)
            {
                if (_ready == run)
                {
                    Publish(null);
                }
            }

            run.Daemon.KillNow();
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _processes.ForEach(p => p.Dispose());
                _clients.ForEach(c => c.Dispose());
            }
        }

        private void Publish(DaemonRun? run)
        {
            _ready = run;
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }

    /// <summary>The database and files folder after the last kill, read-only.</summary>
    private static class StoreCheck
    {
        /// <summary>Returns how many stored files have no record, and how many upload records there are.</summary>
        public static (int Orphans, int UploadRows) Verify(string data, IReadOnlyDictionary<string, CrashDocument> acknowledged, CrashDocument[] documents)
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "faxgw.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            long Count(string sql)
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                return (long)command.ExecuteScalar()!;
            }

            const string Final = "('sent', 'failed', 'cancelled')";
            Assert.Equal(0, Count("SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.outbox_id = o.id)"));
            Assert.Equal(0, Count("SELECT COUNT(*) FROM jobs j WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = j.outbox_id)"));
            Assert.Equal(0, Count($"SELECT COUNT(*) FROM jobs WHERE state NOT IN {Final}"));
            Assert.Equal(0, Count($"SELECT COUNT(*) FROM outbox o WHERE open_jobs <> (SELECT COUNT(*) FROM jobs j WHERE j.outbox_id = o.id AND j.state NOT IN {Final})"));
            Assert.Equal(0, Count("SELECT COUNT(*) FROM jobs j WHERE j.state IN ('sent', 'failed') AND (SELECT COUNT(*) FROM faxes f WHERE f.job_id = j.id) <> 1"));
            Assert.Equal(0, Count("SELECT COUNT(*) FROM faxes f WHERE f.direction = 'outgoing' AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = f.job_id)"));

            var files = Path.Combine(data, "files");
            var recorded = new HashSet<string>(StringComparer.Ordinal);
            var uploadRows = 0;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT id, kind, relative_path, size FROM files";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var (id, kind, relative, size) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3));
                    var full = Path.Combine(files, relative);
                    recorded.Add(Path.GetFullPath(full));
                    Assert.True(File.Exists(full), $"file record {id} ({kind}) without its file");
                    var bytes = File.ReadAllBytes(full);
                    Assert.True(bytes.Length == size, $"file {id} ({kind}) holds {bytes.Length} of its {size} bytes");
                    if (kind == "upload")
                    {
                        uploadRows++;
                        Assert.True(documents.Any(d => d.Tiff.AsSpan().SequenceEqual(bytes)), $"upload {id} is none of the documents uploaded");
                    }
                    else
                    {
                        Assert.NotEmpty(TiffFax.Read(new MemoryStream(bytes)));
                    }
                }
            }

            foreach (var (fileId, document) in acknowledged)
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT relative_path FROM files WHERE id = $id AND kind = 'upload'";
                command.Parameters.AddWithValue("$id", fileId);
                var relative = command.ExecuteScalar() as string;
                Assert.True(relative is not null, $"answered upload {fileId} has no record");
                Assert.True(File.ReadAllBytes(Path.Combine(files, relative)).AsSpan().SequenceEqual(document.Tiff), $"answered upload {fileId} is not what was uploaded");
            }

            var orphans = Directory.EnumerateFiles(files, "*", SearchOption.AllDirectories)
                .Count(f => Path.GetFileName(Path.GetDirectoryName(f)) != "tmp" && !recorded.Contains(Path.GetFullPath(f)));
            return (orphans, uploadRows);
        }
    }

    private static async Task<HttpClient> ConnectAsync(DaemonProcess daemon, string token, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = daemon.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await Eventually.WaitUntilAsync(
            async () =>
            {
                Assert.False(daemon.HasExited, daemon.Output);
                try
                {
                    return (await http.GetAsync("/readyz", cancellationToken)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            },
            cancellationToken);
        return http;
    }

    private static async Task<JsonElement[]> RecordsAsync(HttpClient http, string category, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<JsonElement>($"/v3/accounts/self/faxes?category={category}&limit=1000", cancellationToken))
            .GetProperty("data").GetProperty("records").EnumerateArray().ToArray();

    private static Task<string[]> LineNumbersAsync(DaemonProcess daemon, CancellationToken cancellationToken) =>
        Eventually.WaitForAsync(
            () =>
            {
                Assert.False(daemon.HasExited, daemon.Output);
                var numbers = LineNumber().Matches(daemon.Output).Select(m => m.Groups[1].Value).ToArray();
                return Task.FromResult(numbers.Length >= 2 ? numbers : null);
            },
            cancellationToken);

    [GeneratedRegex(@"faxgw: line sim\d+: number (\S+)")]
    private static partial Regex LineNumber();
}

/// <summary>Snapshots of what a <see cref="WebhookListener"/> has received so far (asking for zero returns at once).</summary>
internal static class WebhookListenerSnapshots
{
    public static IReadOnlyList<WebhookListener.Delivery> Snapshot(this WebhookListener listener, string eventName) =>
        listener.WaitForAsync(eventName, 0, CancellationToken.None).GetAwaiter().GetResult();

    public static int DistinctCount(this WebhookListener listener, string eventName) => listener.Snapshot(eventName).Count;

    /// <summary>A delivery of the event for the job (FAX.PLUS <c>hook.id</c>) carrying the given fax status.</summary>
    public static bool Has(this WebhookListener listener, string eventName, string hookId, string status) =>
        listener.Snapshot(eventName).Any(d =>
        {
            var json = d.Json;
            return json.GetProperty("hook").GetProperty("id").GetString() == hookId
                && json.GetProperty("data").GetProperty("status").GetString() == status;
        });

    /// <summary>A delivery of the event for the fax record (<c>data.file</c> is its id + ".tiff") carrying the given status.</summary>
    public static bool HasFile(this WebhookListener listener, string eventName, string faxId, string status) =>
        listener.Snapshot(eventName).Any(d =>
        {
            var data = d.Json.GetProperty("data");
            return data.GetProperty("file").GetString() == faxId + ".tiff" && data.GetProperty("status").GetString() == status;
        });
}
