using System.Net;
using System.Net.Sockets;
using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Tests.Scripting;

namespace FaxGateway.Modems.Tests.RealPorts;

/// <summary>A modem behind a ser2net-style raw TCP port: a local listener plays the modem script.</summary>
public sealed class TcpTransportTests
{
    [Fact]
    public async Task Class1_modem_over_raw_tcp()
    {
        var script = new ScriptedModemStream().InitRows(TestProfiles.Class1, "AT+FCLASS=1").Exchange("AT+FTS=7\r", "\r\nOK\r\n");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(TestProfiles.Generous);
            var stream = client.GetStream();
            script.Start();
            var toModem = Task.Run(async () =>
            {
                var buffer = new byte[1024];
                int n;
                while ((n = await stream.ReadAsync(buffer)) > 0)
                {
                    await script.WriteAsync(buffer.AsMemory(0, n));
                }
            });
            var buffer = new byte[1024];
            int read;
            while ((read = await script.ReadAsync(buffer)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read));
            }

            await toModem;
        });

        await using (var connection = await ModemConnection.OpenAsync($"tcp://127.0.0.1:{port}", TestProfiles.Class1, cancellationToken: TestProfiles.Generous))
        {
            Assert.False(connection.Transport.HasModemControl);
            var modem = new Class1Modem(connection);
            await modem.InitializeAsync(TestProfiles.Generous);
            await modem.SendSilenceAsync(TimeSpan.FromMilliseconds(70), TestProfiles.Generous);
            await script.Completed.WaitAsync(TimeSpan.FromSeconds(10));
        }

        script.Unplug();
        await serving.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
