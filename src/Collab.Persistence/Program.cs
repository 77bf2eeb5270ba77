using Collab.Persistence.Admin;

// `dotnet Collab.Persistence.dll list|show|export|import|compact|verify …` is the admin CLI (Admin/); else the worker
if (await AdminCommandLine.TryRunAsync(args) is { } exitCode) return exitCode;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.UseDefaultUrls("http://localhost:1235");
builder.AddCollabStorage();
builder.AddCollabPersistenceWorker();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPersistenceApi();

app.Run();
return 0;
