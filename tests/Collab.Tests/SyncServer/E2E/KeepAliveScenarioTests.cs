namespace Collab.Tests.SyncServer.E2E;

/// <summary>The slow scenario, in its own class so that it runs beside the others.</summary>
public sealed class KeepAliveScenarioTests
{
    [Fact]
    public async Task IdleClientsWithAwarenessAreKeptAliveBeyondTheirReconnectTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("idle-keepalive.mjs", ct, "--yws-url", server.Address + "yws");
    }
}
