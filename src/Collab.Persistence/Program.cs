var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.UseDefaultUrls("http://localhost:1235");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
