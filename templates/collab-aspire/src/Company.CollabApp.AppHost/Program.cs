var builder = DistributedApplication.CreateBuilder(args);

// The switches are in appsettings.json (from `dotnet new collab-aspire`); override them on the command line, e.g. in
// this folder: dotnet run -- --Replicas 1 --Relay redis --Storage filesystem
var options = CollabAppOptions.From(builder.Configuration, builder.AppHostDirectory);

// syncserver (× Replicas) behind one endpoint; with Kafka: kafka (a local test cluster, or ConnectionStrings:kafka) and
// the persistence worker that stores every document; with Redis: redis (redis-server); the storage and auth switches.
// It returns the resources (SyncServer, Persistence, Kafka, Redis) to wire more onto, e.g. a webhook:
//   resources.SyncServer.WithEnvironment("Collab__Webhook__Url", "https://example.com/collab-hook");
builder.AddCollabApp<Projects.CollabAppClass_SyncServer, Projects.CollabAppClass_Persistence>(options);

builder.Build().Run();
