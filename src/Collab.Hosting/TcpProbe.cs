using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Health checks of local servers that speak TCP: healthy once the endpoint accepts (and answers, when asked).</summary>
internal static class TcpProbe
{
    /// <summary>Connects to <paramref name="endpoint"/>; with <paramref name="exchange"/>, its verdict on the connection decides.</summary>
    /// <param name="endpoint">The server's endpoint (unhealthy until the orchestrator has allocated it).</param>
    /// <param name="exchange">A request and the check of its answer, or null when accepting is enough.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The result.</returns>
    public static async Task<HealthCheckResult> CheckAsync(
        EndpointReference endpoint,
        Func<NetworkStream, CancellationToken, Task<HealthCheckResult>>? exchange,
        CancellationToken cancellationToken)
    {
        if (!endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("no port yet");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
            return exchange is null ? HealthCheckResult.Healthy() : await exchange(client.GetStream(), cancellationToken);
        }
        catch (SocketException error)
        {
            return HealthCheckResult.Unhealthy(error.Message);
        }
    }
}
