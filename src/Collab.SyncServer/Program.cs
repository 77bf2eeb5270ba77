using Collab.SyncServer.Hosting;
using Collab.SyncServer.Relay;

// configuration is not reloaded on file changes unless asked for (SyncServerCommandLine.HostArguments)
var builder = WebApplication.CreateBuilder(SyncServerCommandLine.HostArguments(args));

builder.AddServiceDefaults();
builder.UseDefaultUrls("http://localhost:1234");
builder.AddCollabSyncServer(args);
builder.AddCollabBuiltInExtensions();
builder.AddCollabRelay();
builder.AddCollabEditor();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapCollabSyncServer();
app.MapCollabApi();
app.MapCollabEditor();

app.Run();

/// <summary>Entry point type; internal, so that a host referencing the Collab.SyncServer package keeps its own <c>Program</c>.</summary>
internal partial class Program;
