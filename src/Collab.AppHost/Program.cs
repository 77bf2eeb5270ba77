using Collab.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var options = AppModelOptions.From(builder.Configuration, builder.AppHostDirectory);

var kafka = options.Relay == "kafka" ? builder.AddKafka("kafka") : null;
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
    .WithHttpHealthCheck("/health");

builder.Build().Run();
