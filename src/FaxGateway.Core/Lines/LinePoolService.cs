using FaxGateway.Core.Inbound;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Core.Lines;

/// <summary>
/// Opens every line of the <see cref="IFaxLineFactory"/>, registers it in storage and runs one
/// <see cref="LineWorker"/> per line until shutdown. A line that cannot be opened is retried at the probe interval.
/// </summary>
public sealed partial class LinePoolService(
    IFaxLineFactory factory,
    IJobRepository jobs,
    IFileRepository files,
    IFileContentStore store,
    ILineRepository lines,
    JobService jobService,
    InboundService inbound,
    QueueSignal signal,
    IOptions<QueueOptions> queueOptions,
    IOptions<LineOptions> lineOptions,
    TimeProvider time,
    ILogger<LinePoolService> logger) : BackgroundService
{
    private readonly List<LineWorker> _workers = [];

    public IReadOnlyList<LineWorker> Workers => _workers;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var context = new LineWorkerContext(jobs, files, store, jobService, inbound, lines, signal, queueOptions.Value, lineOptions.Value, time, logger);
        var running = factory.Lines.Select(d => RunLineAsync(d, context, stoppingToken)).ToList();
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task RunLineAsync(FaxLineDescriptor descriptor, LineWorkerContext context, CancellationToken stoppingToken)
    {
        var existing = await lines.GetAsync(descriptor.LineId, stoppingToken).ConfigureAwait(false);
        await lines.UpsertAsync(new FaxLine
        {
            Id = descriptor.LineId,
            Number = descriptor.Number,
            CanSend = descriptor.CanSend,
            CanReceive = descriptor.CanReceive,
            DefaultAccountId = existing?.DefaultAccountId,
        }, stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            IFaxLine line;
            try
            {
                line = await factory.OpenAsync(descriptor.LineId, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogOpenFailed(logger, descriptor.LineId, e);
                await lines.UpdateHealthAsync(descriptor.LineId, LineHealthState.OutOfService, 0, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                await Task.Delay(lineOptions.Value.ProbeInterval, time, stoppingToken).ConfigureAwait(false);
                continue;
            }

            await using (line.ConfigureAwait(false))
            {
                var worker = new LineWorker(line, descriptor, context);
                lock (_workers)
                {
                    _workers.Add(worker);
                }

                LogLineUp(logger, descriptor.LineId, descriptor.Number);
                await worker.RunAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Line {LineId} ({Number}) in service")]
    private static partial void LogLineUp(ILogger logger, string lineId, string number);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Line {LineId} could not be opened; retrying")]
    private static partial void LogOpenFailed(ILogger logger, string lineId, Exception exception);
}
