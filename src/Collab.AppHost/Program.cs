using Collab.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
// switches: --Replicas N, --Relay kafka|redis|none, --Storage sqlite|s3|filesystem, --Auth none|jwt, --Editor false,
// --S3Server external|minio (what publish mode stores --Storage s3 in), --Topology playground, --DataDirectory PATH
// (default data/apphost at the repository's root). The same names as environment variables or in appsettings.json
// configure it when azd runs it to write the deployment manifest (README, "Deploying").
var options = CollabAppOptions.From(builder.Configuration, builder.AppHostDirectory, Path.Combine("..", "..", "data", "apphost"));

if (options.Topology == "playground")
{
    builder.AddPlayground(options);
}
else
{
    builder.AddCollabApp<Projects.Collab_SyncServer, Projects.Collab_Persistence>(options);
}

builder.Build().Run();
