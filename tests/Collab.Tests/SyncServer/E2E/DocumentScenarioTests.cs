namespace Collab.Tests.SyncServer.E2E;

/// <summary>Real @hocuspocus/provider and y-websocket clients editing documents on Collab.SyncServer.</summary>
public sealed class DocumentScenarioTests
{
    [Fact]
    public async Task ProvidersConvergeOnEveryYjsType()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("sync-all-types.mjs", ct);
    }

    [Fact]
    public async Task ManyDocumentsShareOneSocketWithoutLeakingIntoEachOther()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("shared-socket.mjs", ct);
    }

    [Fact]
    public async Task OfflineEditsConvergeAfterReconnecting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("offline-edits.mjs", ct);
    }

    [Fact]
    public async Task LateJoinersReceiveTheFullState()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("late-joiner.mjs", ct);
    }

    [Fact]
    public async Task AOneMegabyteDocumentReachesLiveClientsAndLateJoiners()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("large-document.mjs", ct);
    }

    [Fact]
    public async Task YWebsocketClientsAndHocuspocusProvidersEditTheSameDocument()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("mixed-clients.mjs", ct, "--yws-url", server.Address + "yws");
    }

    [Fact]
    public async Task TwentyConcurrentTypistsOnOneDocumentConverge()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("many-clients.mjs", ct);
    }
}
