namespace FaxGateway.Simulator.Tests;

/// <summary>The in-process serial cable: what its reader sees when the modem end is unplugged mid-transfer.</summary>
public sealed class PipeDuplexStreamTests
{
    [Fact]
    public async Task An_unplug_while_data_flows_ends_reads_with_an_IOException_and_nothing_else()
    {
        // Break completes the modem end's reader from another thread while its read loop runs: a race the
        // simulator's own pump once lost with an InvalidOperationException (a test's dispose then threw).
        // Seeded trials cover the moments before, during and after a read takes its data.
        var random = new Random(7);
        for (var trial = 0; trial < 300; trial++)
        {
            var (dte, modem) = PipeDuplexStream.CreatePair();
            var reader = Task.Run(async () =>
            {
                var buffer = new byte[512];
                while (await modem.ReadAsync(buffer) > 0)
                {
                }
            });
            var writer = Task.Run(async () =>
            {
                var data = new byte[97];
                while (true)
                {
                    await dte.WriteAsync(data);
                }
            });

            for (var spin = random.Next(2000); spin > 0; spin--)
            {
                Thread.SpinWait(10);
            }

            modem.Break("unplugged");

            var readEnd = await Record.ExceptionAsync(() => reader.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(readEnd is null or IOException, $"trial {trial}: the reader ended with {readEnd}");
            var writeEnd = await Record.ExceptionAsync(() => writer.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.IsType<IOException>(writeEnd);
            await dte.DisposeAsync();
            await modem.DisposeAsync();
        }
    }
}
