using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.Support;

/// <summary>A real Kestrel app on a free loopback port, stopped when disposed.</summary>
internal sealed class LoopbackApp(WebApplication app, TestLog log) : IAsyncDisposable
{
    public WebApplication App { get; } = app;

    /// <summary>The server's log (Collab categories from Debug, the framework's from Warning), also written to the test output.</summary>
    public TestLog Log { get; } = log;

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
            // the application name is no assembly: without this the host logs a failed hosting-startup load on every start
            Args = [$"--{WebHostDefaults.PreventHostingStartupKey}=true"],
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var log = new TestLog();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("Collab", LogLevel.Debug);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>());
        configureServices(builder);
        var app = builder.Build();
        configureApp(app);
        await app.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return new LoopbackApp(app, log);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
