using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Adds <c>redis</c>: the Redis container in publish mode, Debian's redis-server locally.</summary>
public static class RedisResourceExtensions
{
    /// <summary>
    /// In publish mode Aspire's Redis container resource (<c>AddRedis</c>); when run, <c>redis-server</c> from the
    /// machine (installed by scripts/setup.sh) on a loopback port, healthy once it answers PING.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource name; services see <c>ConnectionStrings__{name}</c>.</param>
    /// <param name="dataDirectory">redis-server's working folder.</param>
    /// <returns>The resource, to reference from services.</returns>
    public static IResourceBuilder<IResourceWithConnectionString> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddRedis(name);
        }

        Directory.CreateDirectory(dataDirectory);
        var redis = new RedisServerResource(name, dataDirectory);
        var healthCheck = $"{name}-ping";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, cancellationToken => PingAsync(redis.PrimaryEndpoint, cancellationToken));
        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerResource.EndpointName, isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                // A relay's pub/sub needs no persistence.
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
            })
            .WithHealthCheck(healthCheck);
    }

    private static Task<HealthCheckResult> PingAsync(EndpointReference endpoint, CancellationToken cancellationToken) =>
        TcpProbe.CheckAsync(endpoint, async (stream, ct) =>
        {
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, ct);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            return answer.StartsWith("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"PING answered '{answer.Trim()}'");
        }, cancellationToken);
}
