using Collab.Persistence.Admin;

// With a command (list, show, export, import, compact, verify) the store's admin CLI, e.g.
//   dotnet run --project src/Company.CollabApp.Persistence -- list
// else the persistence worker: it consumes the relay's updates topic and stores every document (Collab:Storage).
if (await AdminCommandLine.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}

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
