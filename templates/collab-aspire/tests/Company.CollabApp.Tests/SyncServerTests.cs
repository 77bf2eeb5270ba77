using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using CollabAppNamespace.SyncServer;

namespace CollabAppNamespace.Tests;

/// <summary>The SyncServer host on its own (one node, SQLite in a temporary folder), with real WebSocket clients.</summary>
public sealed class SyncServerTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("collab-syncserver-");
    private WebApplicationFactory<SyncServerHost> _factory = null!;
    private Uri _address = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new WebApplicationFactory<SyncServerHost>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Collab:Sqlite:Path", Path.Combine(_data.FullName, "collab.db"));
#if (jwt)
            host.UseSetting("Collab:Auth:Required", "true");
            host.UseSetting("Collab:Auth:Jwt:Secret", TestTokens.Secret);
#endif
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        _address = new Uri(addresses.Addresses.First());
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task TwoClientsConvergeAndALateJoinerGetsTheDocument()
    {
        await YWebsocketClient.ShareADocumentAsync(_address, "notes", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task TheHealthEndpointAnswers()
    {
        using var client = new HttpClient { BaseAddress = _address };
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"/health answered {(int)response.StatusCode}");
    }
#if (jwt)

    [Fact]
    public async Task AClientWithoutATokenIsTurnedAway()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var writer = await YWebsocketClient.ConnectAsync(_address, "private", TestTokens.Writer(), ct);
        writer.Insert("text", 0, "secret");
        await writer.WaitForTextAsync("text", "secret", TimeSpan.FromSeconds(10));

        // the server answers "permission denied" and closes with a 4xxx code; the stranger never sees the document
        await using var stranger = await YWebsocketClient.ConnectAsync(_address, "private", token: null, ct);
        var code = await stranger.WaitForCloseAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(code ?? 0, 4000, 4999);
        Assert.Equal("", stranger.Doc.GetText("text").ToString());
    }
#endif
}
