using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Adds <c>kafka</c>: an external broker when one is configured, else the Kafka test cluster.</summary>
public static class KafkaResourceExtensions
{
    /// <summary>
    /// In publish mode, or when <c>ConnectionStrings:{name}</c> is configured (an external broker, e.g. Azure Event Hubs'
    /// Kafka endpoint or any Kafka), a connection-string resource (<c>AddConnectionString</c>). Otherwise the Kafka test
    /// cluster as an executable resource that is healthy once it reports its bootstrap servers.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource name; services see <c>ConnectionStrings__{name}</c>.</param>
    /// <param name="brokers">Brokers of the test cluster.</param>
    /// <param name="topics">Topics the test cluster creates at start, as <c>name:partitions</c> (its brokers cannot create topics on request).</param>
    /// <returns>The resource, to reference from services.</returns>
    public static IResourceBuilder<IResourceWithConnectionString> AddKafka(this IDistributedApplicationBuilder builder, string name, int brokers = 1, params string[] topics)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ExecutionContext.IsPublishMode || builder.Configuration.GetConnectionString(name) is { Length: > 0 })
        {
            return builder.AddConnectionString(name);
        }

        var bootstrapFile = Path.Combine(Path.GetTempPath(), $"collab-apphost-{Environment.ProcessId}-{name}.bootstrap");
        File.Delete(bootstrapFile);
        var (assembly, host) = KafkaTestClusterAssembly(builder.AppHostAssembly);
        var cluster = new KafkaTestClusterResource(name, assembly, bootstrapFile);
        var healthCheck = $"{name}-bootstrap";
        builder.Services.AddHealthChecks().AddCheck(healthCheck, () => cluster.BootstrapServers is { } servers
            ? HealthCheckResult.Healthy(servers)
            : HealthCheckResult.Unhealthy("the test cluster has not reported its bootstrap servers yet"));
        return builder.AddResource(cluster)
            .WithArgs(host)
            .WithArgs(cluster.AssemblyPath, "--brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bootstrap-file", bootstrapFile)
            .WithArgs([.. topics.SelectMany(topic => new[] { "--topic", topic })])
            .WithOtlpExporter()
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// The test cluster to run, and the <c>dotnet</c> arguments before it. The repository's AppHost names the cluster's own
    /// build output (tools/Collab.KafkaTestCluster) in an assembly attribute, <c>KafkaTestClusterAssembly</c>. An app host
    /// that references the Collab.Hosting package has the cluster's assembly beside its own (a dependency of the package):
    /// it runs with the app host's dependency and runtime files (<c>dotnet exec --depsfile … --runtimeconfig …</c>), which
    /// name Confluent.Kafka and librdkafka.
    /// </summary>
    private static (string Assembly, string[] HostArguments) KafkaTestClusterAssembly(Assembly? appHost)
    {
        const string FileName = "Collab.KafkaTestCluster.dll";
        var named = (appHost?.GetCustomAttributes<AssemblyMetadataAttribute>() ?? [])
            .FirstOrDefault(attribute => attribute.Key == "KafkaTestClusterAssembly")?.Value;
        if (named is not null)
        {
            return File.Exists(named)
                ? (named, [])
                : throw new FileNotFoundException($"The Kafka test cluster is not built ({named}); build the solution first, or set ConnectionStrings:kafka to a broker.", named);
        }

        foreach (var host in new[] { appHost, Assembly.GetEntryAssembly() })
        {
            if (host is null || string.IsNullOrEmpty(host.Location))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(host.Location)!;
            var stem = Path.Combine(directory, Path.GetFileNameWithoutExtension(host.Location));
            var assembly = Path.Combine(directory, FileName);
            if (File.Exists(assembly) && File.Exists(stem + ".deps.json") && File.Exists(stem + ".runtimeconfig.json"))
            {
                return (assembly, ["exec", "--depsfile", stem + ".deps.json", "--runtimeconfig", stem + ".runtimeconfig.json"]);
            }
        }

        throw new InvalidOperationException($"The Kafka test cluster ({FileName}) is not beside the app host; reference the Collab.Hosting package, or set ConnectionStrings:kafka to a broker.");
    }
}
