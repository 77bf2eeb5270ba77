using Collab.SyncServer.Hosting;
using Collab.SyncServer.Relay;

// The Yjs sync server: Hocuspocus providers at / and y-websocket clients at /yws/{document}. Its settings are the
// Collab section of appsettings.json and the environment the AppHost gives it (relay, storage, auth).
var builder = WebApplication.CreateBuilder(SyncServerCommandLine.HostArguments(args));

builder.AddServiceDefaults();
builder.UseDefaultUrls("http://localhost:1234");
builder.AddCollabSyncServer(args);
builder.AddCollabBuiltInExtensions();
builder.AddCollabRelay();
#if (editor)
builder.AddCollabEditor();
#endif

// Your own hooks (authenticate, load, change, store…) go here: implement Collab.SyncServer.Hooks.ICollabExtension
// and register it, e.g. builder.Services.AddCollabExtension<MyExtension>();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapCollabSyncServer();
app.MapCollabApi();
#if (editor)
app.MapCollabEditor();
#endif

app.Run();

namespace CollabAppNamespace.SyncServer
{
    /// <summary>Names this host's assembly for the tests' <c>WebApplicationFactory</c>.</summary>
    public sealed class SyncServerHost;
}
