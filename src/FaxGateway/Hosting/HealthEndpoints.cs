using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Hosting;

/// <summary>
/// <c>/healthz</c>: the process answers. <c>/readyz</c>: the database answers and at least one configured line
/// is in service; 503 with the reason otherwise, so a monitor or load balancer sees a gateway that cannot fax.
/// </summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n")).ExcludeFromDescription();
        endpoints.MapGet("/readyz", async (IServiceProvider services, CancellationToken cancellationToken) =>
        {
            var readiness = await CheckAsync(services, cancellationToken).ConfigureAwait(false);
            return readiness.Ready
                ? Results.Text($"ready: {readiness.Detail}\n")
                : Results.Text($"not ready: {readiness.Detail}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }).ExcludeFromDescription();
    }

    public static async Task<(bool Ready, string Detail)> CheckAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var factory = services.GetService<IFaxLineFactory>();
        IReadOnlyList<FaxLine> stored;
        try
        {
            stored = await services.GetRequiredService<ILineRepository>().ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
        {
            return (false, "database unreachable: " + e.Message);
        }

        if (factory is null || factory.Lines.Count == 0)
        {
            return (false, "no modem lines are configured");
        }

        var configured = factory.Lines.Select(l => l.LineId).ToHashSet(StringComparer.Ordinal);
        var up = stored.Where(l => configured.Contains(l.Id) && l.Health == LineHealthState.InService).Select(l => l.Id).ToArray();
        return up.Length > 0
            ? (true, $"{up.Length} of {configured.Count} lines in service ({string.Join(", ", up)})")
            : (false, $"none of the {configured.Count} lines is in service");
    }
}
