namespace Collab.AppHost;

/// <summary>
/// The seed's playground (the Hocuspocus Kafka extension's): two SQLite-backed and two S3-backed servers sharing
/// documents through Kafka, each storing the documents its clients edit in its own store; no persistence worker.
/// </summary>
internal static class Playground
{
    public const string Bucket = "collab-playground";

    public static void AddPlayground(this IDistributedApplicationBuilder builder, CollabAppOptions options)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            throw new InvalidOperationException("The playground topology is for local runs (it starts s3rver and the Kafka test cluster); publish the default topology.");
        }

        var kafka = builder.AddKafka("kafka", brokers: 1, [.. CollabAppModel.RelayTopics]);
        var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
        var s3 = builder.AddLocalS3("s3", root, Path.Combine(options.DataDirectory, "s3"));

        builder.AddProject<Projects.Collab_SyncServer>("syncserver-sqlite")
            .WithReplicas(2)
            .WithReference(kafka).WaitFor(kafka)
            .WithReplicaDataFolders(options.DataDirectory)
            .WithHttpHealthCheck("/health");

        // the launch profile's port (1234) is the SQLite servers'; the S3 servers' proxy listens on 1236
        builder.AddProject<Projects.Collab_SyncServer>("syncserver-s3")
            .WithReplicas(2)
            .WithEndpoint("http", endpoint => endpoint.Port = 1236)
            .WithReference(kafka).WaitFor(kafka)
            .WaitFor(s3)
            .WithEnvironment("Collab__Storage__Provider", "s3")
            .WithEnvironment("Collab__Storage__S3__ServiceUrl", s3.GetEndpoint("http"))
            .WithEnvironment("Collab__Storage__S3__Bucket", Bucket)
            .WithEnvironment("Collab__Storage__S3__CreateBucket", "true")
            .WithEnvironment("Collab__Storage__S3__AccessKey", S3ResourceExtensions.LocalAccessKey)
            .WithEnvironment("Collab__Storage__S3__SecretKey", S3ResourceExtensions.LocalAccessKey)
            .WithHttpHealthCheck("/health");
    }
}
