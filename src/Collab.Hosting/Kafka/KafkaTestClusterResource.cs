namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The Kafka test cluster (tools/Collab.KafkaTestCluster: librdkafka's mock cluster on loopback) as a resource with a
/// connection string: the bootstrap servers it reports once it listens. It needs no Docker and no JVM, so it is what
/// <c>kafka</c> is locally when no external broker is configured.
/// </summary>
/// <param name="name">The resource name (<c>kafka</c>).</param>
/// <param name="assemblyPath">The built Collab.KafkaTestCluster.dll, run with <c>dotnet</c>.</param>
/// <param name="bootstrapFile">Where the cluster writes its bootstrap servers (a file unique to this AppHost run).</param>
public sealed class KafkaTestClusterResource(string name, string assemblyPath, string bootstrapFile)
    : ExecutableResource(name, "dotnet", Path.GetDirectoryName(assemblyPath)!), IResourceWithConnectionString
{
    /// <summary>The cluster's build output.</summary>
    public string AssemblyPath { get; } = assemblyPath;

    /// <summary>The file the cluster writes its <c>bootstrap.servers</c> value to once it listens.</summary>
    public string BootstrapFile { get; } = bootstrapFile;

    /// <summary>The bootstrap servers, or null while the cluster has not reported them (or is gone).</summary>
    public string? BootstrapServers => File.Exists(BootstrapFile) ? File.ReadAllText(BootstrapFile).Trim() is { Length: > 0 } servers ? servers : null : null;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{new BootstrapServersValue(this)}");

    /// <summary>Resolves, when a service that references <c>kafka</c> starts, to the address the cluster reported.</summary>
    private sealed class BootstrapServersValue(KafkaTestClusterResource cluster) : IValueProvider, IManifestExpressionProvider
    {
        public string ValueExpression => $"{{{cluster.Name}.bootstrapServers}}";

        // Aspire evaluates connection strings once before the resource starts (for the dashboard), so this must not
        // wait for the cluster; services that reference it wait for it to be healthy (WaitFor), and then the value is there.
        public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(cluster.BootstrapServers);
    }
}
