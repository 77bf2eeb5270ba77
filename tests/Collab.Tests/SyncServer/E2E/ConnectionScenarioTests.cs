namespace Collab.Tests.SyncServer.E2E;

/// <summary>Real @hocuspocus/provider clients: presence, stateless messages, tokens and read-only access on Collab.SyncServer.</summary>
public sealed class ConnectionScenarioTests
{
    [Fact]
    public async Task AwarenessAppearsChangesAndDisappearsIncludingExplicitRemoval()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("awareness.mjs", ct, "--explicit-removal");
    }

    [Fact]
    public async Task StatelessMessagesFlowBothWays()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("stateless.mjs", ct);
    }

    [Fact]
    public async Task TokensAreAcceptedWithTheirScopeOrRejected()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("auth.mjs", ct);
    }

    [Fact]
    public async Task ReadOnlyClientsCannotWrite()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("readonly.mjs", ct);
    }

    [Fact]
    public async Task SessionAwareProvidersOfOneDocumentShareASocket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("session-awareness.mjs", ct);
    }

    [Fact]
    public async Task DocumentNamesAreTakenAsTheyAre()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("document-names.mjs", ct);
    }

    [Fact]
    public async Task YWebsocketClientsWithAWrongTokenAreClosedAndReadOnlyOnesCannotWrite()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("ywebsocket-access.mjs", ct, "--yws-url", server.Address + "yws");
    }

    [Fact]
    public async Task ADocumentThatFailsToLoadIsDeniedWithTheHookReasonAndLeavesItsSocketWorking()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await InProcessServer.StartAsync(ct);
        await server.RunAsync("load-failure.mjs", ct);
    }
}
