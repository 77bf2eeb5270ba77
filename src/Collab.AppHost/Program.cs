using Collab.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var options = AppModelOptions.From(builder.Configuration, builder.AppHostDirectory);

// the replicas' relay topics (prefix "hocuspocus"): fixed, whatever the number of documents
var kafka = options.Relay == "kafka" ? builder.AddKafka("kafka", brokers: 1, "hocuspocus.updates:12", "hocuspocus.signals:12", "hocuspocus.events:12") : null;
var redis = options.Relay == "redis" ? builder.AddLocalRedis("redis", Path.Combine(options.DataDirectory, "redis")) : null;

var persistence = builder.AddProject<Projects.Collab_Persistence>("persistence")
    .WithOptionalReference(kafka)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Collab_SyncServer>("syncserver")
    .WithReplicas(options.Replicas)
    .WithOptionalReference(kafka)
    .WithOptionalReference(redis)
    .WithReference(persistence).WaitFor(persistence)
    .WithReplicaDataFolders(options.DataDirectory)
    .WithHttpHealthCheck("/health")
    .WithEditorUrl();

builder.Build().Run();
