var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.UseDefaultUrls("http://localhost:1235");
builder.AddCollabStorage();
builder.AddCollabPersistenceWorker();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPersistenceApi();

app.Run();
