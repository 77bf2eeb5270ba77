namespace Aspire.Hosting;

/// <summary>The resources <see cref="CollabAppModel.AddCollabApp{TSyncServer, TPersistence}"/> added.</summary>
/// <param name="SyncServer">The SyncServer replicas.</param>
/// <param name="Persistence">The persistence worker (with Kafka), else null.</param>
/// <param name="Kafka">The relay's Kafka, else null.</param>
/// <param name="Redis">The relay's Redis, else null.</param>
public sealed record CollabAppResources(
    IResourceBuilder<ProjectResource> SyncServer,
    IResourceBuilder<ProjectResource>? Persistence,
    IResourceBuilder<IResourceWithConnectionString>? Kafka,
    IResourceBuilder<IResourceWithConnectionString>? Redis);

/// <summary>
/// Collab's app model, shared by the repository's AppHost and the app hosts the collab-aspire template makes: SyncServer
/// replicas behind the orchestrator's proxy, their relay (Kafka or Redis), the persistence worker with Kafka, the storage
/// and authentication switches of <see cref="CollabAppOptions"/>.
/// </summary>
public static class CollabAppModel
{
    /// <summary>The relay topics the Kafka test cluster creates (prefix <c>hocuspocus</c>, 12 partitions each).</summary>
    public static readonly IReadOnlyList<string> RelayTopics = ["hocuspocus.updates:12", "hocuspocus.signals:12", "hocuspocus.events:12"];

    /// <summary>
    /// Where the services' container images keep their files (the default <c>Collab:Sqlite:Path</c>,
    /// <c>Collab:Storage:Sqlite:Path</c> and <c>Collab:Storage:FileSystem:Path</c> of the images, set in their project files):
    /// the home of the images' non-root user, writable with or without a volume.
    /// </summary>
    public const string ContainerDataDirectory = "/home/app/data";

    /// <summary>Adds the app: <c>syncserver</c> (× Replicas), <c>kafka</c> or <c>redis</c>, and with Kafka <c>persistence</c>.</summary>
    /// <typeparam name="TSyncServer">The SyncServer project (Projects.*).</typeparam>
    /// <typeparam name="TPersistence">The persistence worker project (Projects.*).</typeparam>
    /// <param name="builder">The app model builder.</param>
    /// <param name="options">The switches.</param>
    /// <returns>The resources, to wire more onto.</returns>
    public static CollabAppResources AddCollabApp<TSyncServer, TPersistence>(this IDistributedApplicationBuilder builder, CollabAppOptions options)
        where TSyncServer : IProjectMetadata, new()
        where TPersistence : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var kafka = options.Relay == "kafka" ? builder.AddKafka("kafka", brokers: 1, [.. RelayTopics]) : null;
        var redis = options.Relay == "redis" ? builder.AddLocalRedis("redis", Path.Combine(options.DataDirectory, "redis")) : null;

        var syncserver = builder.AddProject<TSyncServer>("syncserver")
            .WithReplicas(options.Replicas)
            .WithOptionalReference(kafka)
            .WithOptionalReference(redis)
            .WithHttpHealthCheck(DeploymentManifestExtensions.ReadinessPath)
            // editors connect from outside: the deployment's ingress (Container Apps) is public
            .WithExternalHttpEndpoints()
            .WithDeploymentManifest();
        if (options.Editor)
        {
            syncserver.WithEditorUrl();
        }
        else
        {
            syncserver.WithEnvironment("Collab__Editor__Enabled", "false");
        }

        if (options.Auth == "jwt")
        {
            // HS256: whoever issues tokens to clients signs them with the same secret (Collab:Auth:Jwt:Secret)
            var secret = builder.AddParameter("jwt-secret", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);
            syncserver.WithEnvironment("Collab__Auth__Required", "true")
                .WithEnvironment("Collab__Auth__Jwt__Secret", secret);
        }

        IResourceBuilder<ProjectResource>? persistence = null;
        if (kafka is not null)
        {
            // with Kafka the worker stores every document (one writer per partition) and the replicas load through it
            var key = builder.AddParameter("persistence-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
            persistence = builder.AddProject<TPersistence>("persistence")
                .WithReference(kafka).WaitFor(kafka)
                .WithEnvironment("Collab__Persistence__ApiKey", key)
                .WithStorage(options, shared: true)
                .WithHttpHealthCheck(DeploymentManifestExtensions.ReadinessPath)
                // its SQLite file or folder of documents (the image's default paths are under /home/app/data) must outlive the container
                .WithDeploymentManifest(options.Storage is "sqlite" or "filesystem" ? [new DeploymentVolume("persistence-data", ContainerDataDirectory)] : []);
            syncserver.WithReference(persistence).WaitFor(persistence)
                .WithEnvironment("Collab__Persistence__Url", "http://persistence")
                .WithEnvironment("Collab__Persistence__ApiKey", key);
        }
        else
        {
            // Redis or no relay: each replica keeps its documents in its own store
            syncserver.WithStorage(options, shared: false);
        }

        return new CollabAppResources(syncserver, persistence, kafka, redis);
    }

    /// <summary>
    /// Points a service at its document store (Collab:Storage): SQLite files under the data folder (one per replica unless
    /// <paramref name="shared"/>), a folder of files, or an S3 bucket (<see cref="S3ResourceExtensions.AddS3Storage"/>).
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithStorage(this IResourceBuilder<ProjectResource> service, CollabAppOptions options, bool shared)
    {
        var builder = service.ApplicationBuilder;
        switch (options.Storage)
        {
            case "s3":
                return service.WithS3Storage(builder.AddS3Storage("s3", options.DataDirectory, publishMinio: options.S3Server == "minio"));
            case "filesystem":
                service.WithEnvironment("Collab__Storage__Provider", "filesystem");
                return builder.ExecutionContext.IsRunMode
                    ? service.WithEnvironment("Collab__Storage__FileSystem__Path", Path.Combine(options.DataDirectory, service.Resource.Name, "documents"))
                    : service;
            default:
                return shared ? service.WithWorkerDataFolder(options.DataDirectory) : service.WithReplicaDataFolders(options.DataDirectory);
        }
    }
}
