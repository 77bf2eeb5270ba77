using Collab.Persistence.Storage;
using Collab.SyncServer.Api;
using Collab.SyncServer.Auth;
using Collab.SyncServer.Extensions.Throttle;
using Collab.SyncServer.Extensions.Webhook;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collab.Tests.SyncServer.Extensions;

public sealed class OptionsValidationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private IHost Build(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = _folder.Path });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddCollabBuiltInExtensions();
        return builder.Build();
    }

    private static string Failure<T>(IHost host)
        where T : class => Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<T>>().Value).Message;

    [Fact]
    public void RequiredAuthenticationWithoutAKeyFailsOnStart() =>
        Assert.Contains("Required", Failure<AuthOptions>(Build(new() { ["Collab:Auth:Required"] = "true" })));

    [Fact]
    public void AShortHs256SecretFailsOnStart() =>
        Assert.Contains("32 bytes", Failure<AuthOptions>(Build(new() { ["Collab:Auth:Jwt:Secret"] = "short" })));

    [Fact]
    public void AnUnreadablePublicKeyFailsOnStart() =>
        Assert.Contains("PEM", Failure<AuthOptions>(Build(new() { ["Collab:Auth:Jwt:PublicKey"] = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----" })));

    [Fact]
    public void AWebhookUrlThatIsNotHttpFailsOnStart() =>
        Assert.Contains("http", Failure<WebhookOptions>(Build(new() { ["Collab:Webhook:Url"] = "ftp://example.com/hook" })));

    [Fact]
    public void AnUnknownWebhookEventFailsOnStart() =>
        Assert.Contains("\"save\"", Failure<WebhookOptions>(Build(new() { ["Collab:Webhook:Url"] = "http://127.0.0.1:9/hook", ["Collab:Webhook:Events"] = "change,save" })));

    [Fact]
    public void AKnownProxyThatIsNotAnAddressFailsOnStart() =>
        Assert.Contains("proxy.local", Failure<ThrottleOptions>(Build(new() { ["Collab:Throttle:Enabled"] = "true", ["Collab:Throttle:KnownProxies:0"] = "proxy.local" })));

    [Fact]
    public void AnEmptyApiHeaderNameFailsOnStart() =>
        Assert.Contains("HeaderName", Failure<ApiOptions>(Build(new() { ["Collab:Api:HeaderName"] = "" })));

    [Fact]
    public void TheSqliteFlagChoosesTheFileRelativeToTheContentRoot()
    {
        using var host = Build(new() { ["Collab:Persistence:Sqlite"] = "custom/db.sqlite" });

        var store = Assert.IsType<SqliteDocumentStore>(host.Services.GetRequiredService<IDocumentStore>());

        Assert.Equal(Path.Combine(_folder.Path, "custom", "db.sqlite"), store.FilePath);
    }

    [Fact]
    public void TheSqliteFlagWithoutAFileUsesTheDefaultFile()
    {
        using var host = Build(new() { ["sqlite"] = "" });

        var store = Assert.IsType<SqliteDocumentStore>(host.Services.GetRequiredService<IDocumentStore>());

        Assert.Equal(Path.Combine(_folder.Path, "data", "collab.db"), store.FilePath);
    }

    [Fact]
    public void SqliteCanBeSwitchedOff()
    {
        using var host = Build(new() { ["Collab:Sqlite:Enabled"] = "false" });

        Assert.Null(host.Services.GetService<IDocumentStore>());
    }

    [Fact]
    public async Task TheSqliteHealthCheckReportsAnUnusableFile()
    {
        Directory.CreateDirectory(_folder.File("occupied"));
        using var healthy = Build(new() { ["Collab:Sqlite:Path"] = "ok.db" });
        using var broken = Build(new() { ["Collab:Sqlite:Path"] = "occupied" });

        Assert.Equal(HealthStatus.Healthy, (await healthy.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken)).Status);
        Assert.Equal(HealthStatus.Unhealthy, (await broken.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken)).Status);
    }
}
