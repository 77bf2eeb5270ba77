using Collab.SyncServer.Auth;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;

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
}
