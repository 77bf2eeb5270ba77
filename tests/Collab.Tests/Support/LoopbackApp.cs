using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.Support;

/// <summary>A real Kestrel app on a free loopback port, stopped when disposed.</summary>
internal sealed class LoopbackApp(WebApplication app) : IAsyncDisposable
{
    public WebApplication App { get; } = app;

    public Uri Address { get; } = new(app.Urls.First());

    public IServiceProvider Services => App.Services;

    public static async Task<LoopbackApp> StartAsync(
        Action<WebApplicationBuilder> configureServices,
        Action<WebApplication> configureApp,
        IDictionary<string, string?>? configuration = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ApplicationName = "collab-tests",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>());
        configureServices(builder);
        var app = builder.Build();
        configureApp(app);
        await app.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return new LoopbackApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
