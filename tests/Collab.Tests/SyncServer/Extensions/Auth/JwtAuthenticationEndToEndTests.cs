using Microsoft.Extensions.DependencyInjection;
using Collab.SyncServer.Auth;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Extensions.Auth;

public sealed class JwtAuthenticationEndToEndTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly JwtTestKeys _keys = new();

    public void Dispose()
    {
        _keys.Dispose();
        _folder.Dispose();
    }

    private Task<ExtensionServer> StartAsync(bool required) => ExtensionServer.StartAsync(_folder.File("collab.db"), new Dictionary<string, string?>
    {
        ["Collab:Auth:Required"] = required ? "true" : "false",
        ["Collab:Auth:Jwt:Secret"] = JwtTestKeys.Secret,
        ["Collab:Auth:Jwt:PublicKey"] = _keys.PublicKeyPem,
    });

    [Fact]
    public async Task AWriterIsAuthenticatedReadWriteAndItsUpdatesAreApplied()
    {
        await using var server = await StartAsync(required: true);
        await using var client = await server.ConnectAsync();
        var token = _keys.Rs256(DateTimeOffset.UtcNow, new Dictionary<string, object> { ["collab_write"] = new[] { "team/*" } });

        Assert.Equal((AuthMessageType.Authenticated, "read-write"), await client.AuthenticateAsync("team/doc", token));
    }

    [Fact]
    public async Task AReaderIsAuthenticatedReadOnlyAndItsUpdatesAreRefused()
    {
        await using var server = await StartAsync(required: true);
        await using var client = await server.ConnectAsync();
        var token = _keys.Hs256(DateTimeOffset.UtcNow, new Dictionary<string, object> { ["collab_read"] = new[] { "doc" } });
        await client.JoinAsync("doc", token);

        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("sneaky")));

        Assert.Equal(0, (await client.WaitForAsync(MessageType.SyncStatus)).Frame[^1]);
        Assert.Equal("", server.Server.Documents.Find("doc")!.Read(d => d.GetText("t").ToString()));
    }

    [Fact]
    public async Task AClientWithoutATokenIsDeniedWhenAuthenticationIsRequired()
    {
        await using var server = await StartAsync(required: true);
        await using var client = await server.ConnectAsync();

        Assert.Equal((AuthMessageType.PermissionDenied, AuthFailureReasons.AuthenticationRequired), await client.AuthenticateAsync("doc"));
    }

    [Fact]
    public async Task AClientWithoutATokenReadsButCannotWriteWhenAuthenticationIsOptional()
    {
        await using var server = await StartAsync(required: false);
        await using var client = await server.ConnectAsync();

        Assert.Equal((AuthMessageType.Authenticated, "readonly"), await client.AuthenticateAsync("doc"));
    }

    [Fact]
    public async Task AnExpiredTokenIsDenied()
    {
        await using var server = await StartAsync(required: true);
        await using var client = await server.ConnectAsync();
        var token = _keys.Hs256(DateTimeOffset.UtcNow.AddHours(-2), new Dictionary<string, object> { ["collab_write"] = "*" }, TimeSpan.FromMinutes(5));

        Assert.Equal((AuthMessageType.PermissionDenied, AuthFailureReasons.TokenExpired), await client.AuthenticateAsync("doc", token));
    }

    [Fact]
    public async Task AnOpenConnectionIsAskedForAFreshTokenAndClosedWhenItsTokenRunsOut()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await ExtensionServer.StartAsync(_folder.File("collab.db"), new Dictionary<string, string?>
        {
            ["Collab:Auth:Required"] = "true",
            ["Collab:Auth:Jwt:Secret"] = JwtTestKeys.Secret,
            ["Collab:Auth:Jwt:ClockSkew"] = "00:00:00",
            ["Collab:Auth:Jwt:TokenRefreshLead"] = "00:00:10",
        }, time);
        await using var client = await server.ConnectAsync();
        var write = new Dictionary<string, object> { ["collab_write"] = "doc" };
        await client.JoinAsync("doc", _keys.Hs256(time.GetUtcNow(), write, TimeSpan.FromSeconds(30)));

        // The connected hook, which starts the expiry timers, runs after the client was told it is authenticated;
        // moving the clock before it ran would start the timers from the later time.
        var watcher = server.App.Services.GetRequiredService<TokenExpiryWatcher>();
        await Eventually.TrueAsync(() => watcher.TrackedCount == 1, "the connection's token to be watched");
        time.Advance(TimeSpan.FromSeconds(21));
        var request = await client.WaitForAsync(MessageType.Auth);
        Assert.Equal([0x03, 0x64, 0x6f, 0x63, 0x02, 0x00], request.Frame);
        await client.SendAsync(Messages.Auth("doc", _keys.Hs256(time.GetUtcNow(), write, TimeSpan.FromSeconds(30))));
        await Eventually.TrueAsync(() => AuthenticatedUser.From(server.Server.Documents.Find("doc")!.Connections.Single().Context)!.ExpiresAt > time.GetUtcNow() + TimeSpan.FromSeconds(20), "the fresh token to be accepted");

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.False(server.Server.Documents.Find("doc")!.Connections.Single().IsClosed);

        time.Advance(TimeSpan.FromSeconds(20));
        var close = await client.WaitForAsync(MessageType.Close);
        Assert.EndsWith(AuthFailureReasons.TokenExpired, System.Text.Encoding.UTF8.GetString(close.Frame));
    }
}
