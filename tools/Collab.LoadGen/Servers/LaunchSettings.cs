namespace Collab.LoadGen.Servers;

/// <summary>Which servers the generator can start itself.</summary>
internal enum ServerKind
{
    Hocuspocus,
    Collab,
}

/// <summary>How to start the servers: repository root, build configuration of Collab.SyncServer, start timeout.</summary>
internal sealed record LaunchSettings(string RepositoryRoot, string Configuration, string? CollabAssembly, TimeSpan StartTimeout)
{
    /// <summary>Extra environment variables for the Collab server (e.g. GC settings for experiments).</summary>
    public IReadOnlyDictionary<string, string> CollabEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Collab replicas: also start the persistence worker, which stores for them (they load through it).</summary>
    public bool Worker { get; init; }

    /// <summary>How long the Kafka test cluster keeps records the persistence worker's group has committed past (zero: the mock's own limit).</summary>
    public TimeSpan KafkaRetention { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The persistence worker's consumer group with the relay's default prefix (its <c>{Prefix}-persistence</c>).</summary>
    public const string WorkerGroup = "hocuspocus-persistence";

    public string PersistenceAssemblyPath => Path.Combine(
        RepositoryRoot, "src", "Collab.Persistence", "bin", Configuration, "net10.0", "Collab.Persistence.dll");

    public string CollabAssemblyPath => CollabAssembly ?? Path.Combine(
        RepositoryRoot, "src", "Collab.SyncServer", "bin", Configuration, "net10.0", "Collab.SyncServer.dll");

    /// <summary>The Kafka test cluster that Collab replicas share in a multi-replica run (same configuration).</summary>
    public string KafkaTestClusterPath => Path.Combine(
        RepositoryRoot, "tools", "Collab.KafkaTestCluster", "bin", Configuration, "net10.0", "Collab.KafkaTestCluster.dll");

    public string HocuspocusScript => Path.Combine(RepositoryRoot, "tests", "js", "loadgen", "hocuspocus-server.mjs");

    /// <summary>The folder above the running assembly (or the current directory) that holds Collab.sln.</summary>
    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Collab.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Collab.sln not found above the tool or the current directory; pass --repo.");
    }
}
