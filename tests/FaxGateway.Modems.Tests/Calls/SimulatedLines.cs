using FaxGateway.Imaging;
using FaxGateway.Modems.Calls;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Transport;
using FaxGateway.Simulator;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;

namespace FaxGateway.Modems.Tests.Calls;

/// <summary>Two virtual Class 1 modems on a fast-mode exchange, each driven by a <see cref="FaxLine"/>.</summary>
internal sealed class SimulatedLines : IAsyncDisposable
{
    public static readonly ModemProfile Profile = new()
    {
        Name = "sim-class1",
        ResetCommand = "ATZ",
        ResetDelayMs = 0,
        DtrDropDelayMs = 0,
        InitCommands = ["ATE0V1Q0", "ATS0=0"],
        Class1 = new Class1Settings { Modulations = [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146] },
    };

    private readonly VirtualPstn _pstn;

    private SimulatedLines(VirtualPstn pstn, VirtualModem senderModem, VirtualModem receiverModem, FaxLine sender, FaxLine receiver)
    {
        _pstn = pstn;
        SenderModem = senderModem;
        ReceiverModem = receiverModem;
        Sender = sender;
        Receiver = receiver;
    }

    public VirtualModem SenderModem { get; }

    public VirtualModem ReceiverModem { get; }

    public FaxLine Sender { get; }

    public FaxLine Receiver { get; }

    public static async Task<SimulatedLines> StartAsync(FaxCallOptions senderOptions, FaxCallOptions receiverOptions, LineImpairments? receiverLine = null, CancellationToken cancellationToken = default)
    {
        var pstn = new VirtualPstn(new PstnOptions { RealTime = false, RingInterval = TimeSpan.FromMilliseconds(20) });
        var a = pstn.AddModem();
        var b = pstn.AddModem(new VirtualModemOptions { Impairments = receiverLine });
        var sender = new FaxLine(new ModemConnection(new StreamModemTransport(a.OpenPort(), "sim0"), Profile), senderOptions);
        var receiver = new FaxLine(new ModemConnection(new StreamModemTransport(b.OpenPort(), "sim1"), Profile), receiverOptions);
        await sender.InitializeAsync(cancellationToken);
        await receiver.InitializeAsync(cancellationToken);
        return new SimulatedLines(pstn, a, b, sender, receiver);
    }

    /// <summary>Sends <paramref name="pages"/> from the first line to the second, which answers on the first ring.</summary>
    public async Task<(FaxCallReport Sent, FaxCallReport Received)> TransferAsync(IReadOnlyList<PageRaster> pages, CancellationToken cancellationToken, Func<ReceivedFaxPage, bool>? keepPage = null)
    {
        var receive = Task.Run(
            async () =>
            {
                await Receiver.WaitForRingAsync(1, cancellationToken);
                return await Receiver.ReceiveAsync(keepPage, cancellationToken);
            },
            cancellationToken);
        var sent = await Sender.SendAsync(ReceiverModem.Number, pages, cancellationToken);
        var received = await receive;
        return (sent, received);
    }

    public async ValueTask DisposeAsync()
    {
        await Sender.DisposeAsync();
        await Receiver.DisposeAsync();
        await _pstn.DisposeAsync();
    }
}

/// <summary>Test pages: seeded text-like blocks so every coding has real work to do.</summary>
internal static class TestPages
{
    public static PageRaster Make(int rows, double yDpi, int seed, int width = 1728)
    {
        var page = new PageRaster(width, rows, 204, yDpi);
        var random = new Random(seed);

        // Horizontal bands of "words": black runs of varying length and gap, a few rows high, like lines of text.
        for (var y = 2; y < rows - 6; y += 9)
        {
            var x = random.Next(8, 80);
            while (x < width - 40)
            {
                var word = random.Next(6, 60);
                var height = random.Next(3, 7);
                for (var dy = 0; dy < height && y + dy < rows; dy++)
                {
                    var shift = random.Next(0, 3);
                    for (var dx = shift; dx < word; dx += random.Next(1, 4))
                    {
                        page[x + dx, y + dy] = true;
                    }
                }

                x += word + random.Next(4, 30);
            }
        }

        // A frame and a diagonal: long runs and changes that drift from row to row (what MR/MMR code well).
        for (var x = 0; x < width; x++)
        {
            page[x, 0] = true;
            page[x, rows - 1] = true;
        }

        for (var y = 0; y < rows; y++)
        {
            page[0, y] = true;
            page[width - 1, y] = true;
            page[Math.Min(width - 1, y * 7 % width), y] = true;
        }

        return page;
    }
}
