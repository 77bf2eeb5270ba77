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
        var cluster = new KafkaTestClusterResource(name, KafkaTestClusterAssembly(builder), bootstrapFile);
        var healthCheck = $"{name}-bootstrap";
        builder.Services.AddHealthChecks().AddCheck(healthCheck, () => cluster.BootstrapServers is { } servers
            ? HealthCheckResult.Healthy(servers)
            : HealthCheckResult.Unhealthy("the test cluster has not reported its bootstrap servers yet"));
        return builder.AddResource(cluster)
            .WithArgs(cluster.AssemblyPath, "--brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bootstrap-file", bootstrapFile)
            .WithArgs([.. topics.SelectMany(topic => new[] { "--topic", topic })])
            .WithOtlpExporter()
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// The test cluster's build output: the app host names it in an assembly attribute, <c>KafkaTestClusterAssembly</c>
    /// (the repository's AppHost points at tools/Collab.KafkaTestCluster's build; an app host that references the
    /// Collab.Hosting package gets the copy the package carries, through its build targets). The app host's assembly is
    /// asked first: under Aspire.Hosting.Testing the entry assembly is the test host, not the app host.
    /// </summary>
    private static string KafkaTestClusterAssembly(IDistributedApplicationBuilder builder)
    {
        var path = (builder.AppHostAssembly?.GetCustomAttributes<AssemblyMetadataAttribute>() ?? [])
            .Concat(Assembly.GetEntryAssembly()?.GetCustomAttributes<AssemblyMetadataAttribute>() ?? [])
            .Concat(typeof(KafkaResourceExtensions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            .FirstOrDefault(attribute => attribute.Key == "KafkaTestClusterAssembly")?.Value
            ?? throw new InvalidOperationException("The app host does not name the Kafka test cluster (assembly metadata KafkaTestClusterAssembly); reference the Collab.Hosting package, or set ConnectionStrings:kafka to a broker.");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The Kafka test cluster is not built ({path}); build the solution first, or set ConnectionStrings:kafka to a broker.", path);
    }
}
