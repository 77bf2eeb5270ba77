using Collab.SyncServer.Protocol;

namespace Collab.Tests.SyncServer.Extensions.Throttle;

public sealed class ThrottleEndToEndTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AClientThatAuthenticatesTooOftenIsDeniedWithForbidden()
    {
        await using var server = await ExtensionServer.StartAsync(_folder.File("collab.db"), new Dictionary<string, string?>
        {
            ["Collab:Throttle:Enabled"] = "true",
            ["Collab:Throttle:Throttle"] = "3",
        });
        await using var client = await server.ConnectAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AuthMessageType.Authenticated, (await client.AuthenticateAsync($"doc-{i}")).Type);
        }

        Assert.Equal((AuthMessageType.PermissionDenied, "Forbidden"), await client.AuthenticateAsync("doc-3"));
    }
}
