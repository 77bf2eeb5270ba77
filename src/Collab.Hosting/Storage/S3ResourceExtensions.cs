using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Adds an S3-compatible server for local runs: npm's <c>s3rver</c>.</summary>
public static class S3ResourceExtensions
{
    /// <summary>The access key of the local server (s3rver accepts this pair).</summary>
    public const string LocalAccessKey = "S3RVER";

    /// <summary>
    /// <c>s3rver</c> (installed in tests/js by scripts/setup.sh) under node on a loopback port, its data in
    /// <paramref name="dataDirectory"/>, healthy once it accepts connections. Services reach it through the <c>http</c>
    /// endpoint. Local runs only: a deployment names its S3 service (or MinIO) in configuration.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="repositoryRoot">The repository root (where tests/js is).</param>
    /// <param name="dataDirectory">The server's data folder.</param>
    /// <returns>The resource.</returns>
    public static IResourceBuilder<IResourceWithEndpoints> AddLocalS3(this IDistributedApplicationBuilder builder, string name, string repositoryRoot, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Directory.CreateDirectory(dataDirectory);
        var healthCheck = $"{name}-connect";
        var s3 = builder.AddExecutable(name, "node", Path.Combine(repositoryRoot, "tests", "js"), "storage/s3rver.mjs", dataDirectory)
            .WithHttpEndpoint(name: "http", env: null, isProxied: false);
        var endpoint = s3.GetEndpoint("http");
        s3.WithArgs(context => context.Args.Add(endpoint.Property(EndpointProperty.TargetPort)));
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, cancellationToken => ConnectAsync(endpoint, cancellationToken));
        return s3.WithHealthCheck(healthCheck);
    }

    private static async Task<HealthCheckResult> ConnectAsync(EndpointReference endpoint, CancellationToken cancellationToken)
    {
        if (!endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("no port yet");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (SocketException error)
        {
            return HealthCheckResult.Unhealthy(error.Message);
        }
    }
}
