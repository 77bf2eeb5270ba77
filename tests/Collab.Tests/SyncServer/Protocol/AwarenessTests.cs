using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Protocol;

public sealed class AwarenessTests
{
    private static Func<InboundMessage, bool> AwarenessOf(ulong client, string? state) => m =>
        m.Type == MessageType.Awareness
        && AwarenessUpdate.Decode(m.ReadAwareness()).Any(e => e.ClientId == client && (state is null ? e.State is null : e.State is not null && Collab.Yjs.Lib0.JsJson.Stringify(e.State) == state));

    [Fact]
    public async Task AnAwarenessUpdateIsEchoedToItsSenderAndSentToEveryoneElse()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var alice = await host.ConnectAsync();
        await using var bob = await host.ConnectAsync();
        await alice.JoinAsync("doc");
        await bob.JoinAsync("doc");

        await alice.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(1, 1, """{"user":"a"}""")));

        await alice.WaitForAsync(AwarenessOf(1, """{"user":"a"}"""));
        await bob.WaitForAsync(AwarenessOf(1, """{"user":"a"}"""));
    }

    [Fact]
    public async Task AJoinerReceivesTheCurrentStatesAndQueryAwarenessIsAnswered()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var alice = await host.ConnectAsync();
        await alice.JoinAsync("doc");
        await alice.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(1, 1, """{"n":1}""")));
        await alice.WaitForAsync(AwarenessOf(1, """{"n":1}"""));
        await using var bob = await host.ConnectAsync();

        await bob.AuthenticateAsync("doc");
        await bob.WaitForAsync(AwarenessOf(1, """{"n":1}"""));
        await bob.SendAsync(Messages.Bare("doc", MessageType.QueryAwareness));

        await bob.WaitForAsync(AwarenessOf(1, """{"n":1}"""));
    }

    [Fact]
    public async Task TheStatesOfAClosedConnectionAreRemovedAndTheRemovalIsBroadcast()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var bob = await host.ConnectAsync();
        await bob.JoinAsync("doc");
        var alice = await host.ConnectAsync();
        await alice.JoinAsync("doc");
        await alice.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(7, 3, """{"u":7}""")));
        await bob.WaitForAsync(AwarenessOf(7, """{"u":7}"""));

        await alice.DisposeAsync();

        await bob.WaitForAsync(AwarenessOf(7, null));
        Assert.Empty(host.Server.Documents.Find("doc")!.Awareness.GetStates());
    }

    [Fact]
    public async Task AClientsOwnRemovalIsHonouredImmediately()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var alice = await host.ConnectAsync();
        await using var bob = await host.ConnectAsync();
        await alice.JoinAsync("doc");
        await bob.JoinAsync("doc");
        await alice.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(1, 1, """{"u":1}""")));
        await bob.WaitForAsync(AwarenessOf(1, """{"u":1}"""));

        await alice.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(1, 2, null)));

        await bob.WaitForAsync(AwarenessOf(1, null));
    }

    [Fact]
    public async Task AConnectionCannotChangeOrRemoveAClientIdAnotherConnectionOwns()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var alice = await host.ConnectAsync();
        await using var mallory = await host.ConnectAsync();
        await alice.JoinAsync("doc");
        await mallory.JoinAsync("doc");
        await alice.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(1, 1, """{"u":"alice"}""")));
        await mallory.WaitForAsync(AwarenessOf(1, """{"u":"alice"}"""));

        await mallory.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(1, 5, """{"u":"mallory"}""")));
        await mallory.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(1, 6, null)));
        await mallory.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(99, 1, """{"u":"m"}""")));

        await mallory.WaitForAsync(AwarenessOf(99, """{"u":"m"}"""));
        Assert.True(host.Server.Documents.Find("doc")!.Awareness.TryGetState(1, out var state));
        Assert.Equal("""{"u":"alice"}""", Collab.Yjs.Lib0.JsJson.Stringify(state));
    }
}
