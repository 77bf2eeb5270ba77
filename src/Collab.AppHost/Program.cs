using Collab.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var options = AppModelOptions.From(builder.Configuration, builder.AppHostDirectory);

// the replicas' relay topics (prefix "hocuspocus"): fixed, whatever the number of documents
var kafka = options.Relay == "kafka" ? builder.AddKafka("kafka", brokers: 1, "hocuspocus.updates:12", "hocuspocus.signals:12", "hocuspocus.events:12") : null;
var redis = options.Relay == "redis" ? builder.AddLocalRedis("redis", Path.Combine(options.DataDirectory, "redis")) : null;

if (options.Topology == "playground")
{
    builder.AddPlayground(kafka!, options);
    builder.Build().Run();
    return;
}

var syncserver = builder.AddProject<Projects.Collab_SyncServer>("syncserver")
    .WithReplicas(options.Replicas)
    .WithOptionalReference(kafka)
    .WithOptionalReference(redis)
    .WithHttpHealthCheck("/health")
    .WithEditorUrl();

if (kafka is not null)
{
    // with Kafka the worker stores every document (one writer per partition) and the replicas load through it
    var key = builder.AddParameter("persistence-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
    var persistence = builder.AddProject<Projects.Collab_Persistence>("persistence")
        .WithReference(kafka).WaitFor(kafka)
        .WithEnvironment("Collab__Persistence__ApiKey", key)
        .WithWorkerDataFolder(options.DataDirectory)
        .WithHttpHealthCheck("/health");
    syncserver.WithReference(persistence).WaitFor(persistence)
        .WithEnvironment("Collab__Persistence__Url", "http://persistence")
        .WithEnvironment("Collab__Persistence__ApiKey", key);
}
else
{
    // Redis or no relay: each replica keeps its documents in its own SQLite file
    syncserver.WithReplicaDataFolders(options.DataDirectory);
}

builder.Build().Run();
