using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Protocol;

public sealed class HocuspocusSyncTests
{
    [Fact]
    public async Task AProviderAuthenticatesSyncsAndItsUpdateReachesTheOtherClient()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var alice = await host.ConnectAsync();
        await using var bob = await host.ConnectAsync();
        Assert.Empty(Messages.TextOf(await alice.JoinAsync("doc")));
        await bob.JoinAsync("doc");

        await alice.SendAsync(Messages.Update("doc", Messages.TextInsert("hi")));

        var status = await alice.WaitForAsync(MessageType.SyncStatus);
        Assert.Equal([0x03, 0x64, 0x6f, 0x63, 0x08, 0x01], status.Frame);
        var update = await bob.WaitForAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update);
        Assert.Equal("hi", Messages.TextOf(update.ReadSync().Payload));
        await using var carol = await host.ConnectAsync();
        Assert.Equal("hi", Messages.TextOf(await carol.JoinAsync("doc")));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.300")]
    public async Task EveryUpdateIsEchoedToItsSenderAlsoWhenTheEchoWaitsForTheSocketsNextMessage(string echoDelay)
    {
        // Appendix B2: the echo stays; with an echo delay a window that only carries alice's own update reaches her
        // later (on its own after the delay, or ahead of her next message), never before bob has it
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["EchoDelay"] = echoDelay });
        await using var alice = await host.ConnectAsync();
        await using var bob = await host.ConnectAsync();
        await alice.JoinAsync("doc");
        await bob.JoinAsync("doc");

        await alice.SendAsync(Messages.Update("doc", Messages.TextInsert("hi")));

        static bool IsUpdate(InboundMessage m, string text) =>
            m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update && Messages.TextOf(m.ReadSync().Payload) == text;
        await bob.WaitForAsync(m => IsUpdate(m, "hi"));
        await alice.WaitForAsync(m => IsUpdate(m, "hi"));

        // an update of bob's reaches alice after her echo: the deferred copy leaves first
        await bob.SendAsync(Messages.Update("doc", Messages.TextInsert("yo", 2)));
        var next = await alice.WaitForAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update);
        Assert.Equal("yo", Messages.TextOf(next.ReadSync().Payload));
    }

    [Fact]
    public async Task TheServerAnswersASyncStep1WithItsOwnSyncStep1AndTheDiff()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();
        Assert.Equal((AuthMessageType.Authenticated, "read-write"), await client.AuthenticateAsync("doc"));

        await client.SendAsync(Messages.Sync("doc", SyncMessage.SyncStep1([0])));

        Assert.Equal([0x03, 0x64, 0x6f, 0x63, 0x00, 0x00, 0x01, 0x00], (await client.ReceiveAsync()));
        Assert.Equal([0x03, 0x64, 0x6f, 0x63, 0x00, 0x01, 0x02, 0x00, 0x00], (await client.ReceiveAsync()));
    }

    [Fact]
    public async Task MessagesSentBeforeAuthenticationCompletesAreQueuedAndProcessedInOrder()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension { Authenticate = async _ => await release.Task });
        await using var client = await host.ConnectAsync();

        await client.SendAsync(Messages.Auth("doc", "t"));
        await client.SendAsync(Messages.Update("doc", Messages.TextInsert("a")));
        await client.SendAsync(Messages.Sync("doc", SyncMessage.SyncStep1([0])));
        release.SetResult();

        var step2 = await client.WaitForAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.SyncStep2);
        Assert.Equal("a", Messages.TextOf(step2.ReadSync().Payload));
    }

    [Fact]
    public async Task ARejectingHookSendsPermissionDeniedAndTheClientMayRetryOnTheSameSocket()
    {
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension
        {
            Authenticate = p => p.Token == "good" ? default : throw new CollabRejectException("bad token"),
        });
        await using var client = await host.ConnectAsync();

        Assert.Equal((AuthMessageType.PermissionDenied, "bad token"), await client.AuthenticateAsync("doc", "wrong"));
        Assert.Equal((AuthMessageType.Authenticated, "read-write"), await client.AuthenticateAsync("doc", "good"));
    }

    [Fact]
    public async Task AHookErrorWithoutAReasonIsReportedAsPermissionDenied()
    {
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension { Authenticate = _ => throw new InvalidOperationException("db down") });
        await using var client = await host.ConnectAsync();

        Assert.Equal((AuthMessageType.PermissionDenied, "permission-denied"), await client.AuthenticateAsync("doc"));
    }

    [Fact]
    public async Task AFailedLoadIsReportedAfterAuthenticatedAndNothingIsKept()
    {
        var store = new MemoryStore();
        await using var host = await SyncServerHost.StartAsync(extensions:
        [
            new TestExtension { Load = _ => throw new CollabRejectException("storage offline") },
            store.Extension,
        ]);
        await using var client = await host.ConnectAsync();

        Assert.Equal((AuthMessageType.Authenticated, "read-write"), await client.AuthenticateAsync("doc"));
        var denied = await client.WaitForAsync(MessageType.Auth);

        Assert.Contains("storage offline", System.Text.Encoding.UTF8.GetString(denied.Frame), StringComparison.Ordinal);
        Assert.Equal(0, host.Server.GetDocumentsCount());
        Assert.Empty(store.Attempts);
    }

    [Fact]
    public async Task EmptyOrBlankDocumentNamesAreRejectedAndUnusualNamesAccepted()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();

        Assert.Equal(AuthMessageType.PermissionDenied, (await client.AuthenticateAsync(" ")).Type);
        foreach (var name in new[] { "äöü", "with space", "with/slash", "🌟", ":", "*" })
        {
            Assert.Equal(AuthMessageType.Authenticated, (await client.AuthenticateAsync(name)).Type);
        }
    }

    [Fact]
    public async Task AReadOnlyConnectionCannotChangeTheDocument()
    {
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension { Authenticate = p => { p.ConnectionConfig.ReadOnly = p.Token == "reader"; return default; } });
        await using var reader = await host.ConnectAsync();
        Assert.Equal((AuthMessageType.Authenticated, "readonly"), await reader.AuthenticateAsync("doc", "reader"));

        await reader.SendAsync(Messages.Update("doc", Messages.TextInsert("x")));
        Assert.Equal([0x03, 0x64, 0x6f, 0x63, 0x08, 0x00], (await reader.WaitForAsync(MessageType.SyncStatus)).Frame);
        await reader.SendAsync(Messages.Sync("doc", SyncMessage.SyncStep2([0, 0])));
        Assert.Equal([0x03, 0x64, 0x6f, 0x63, 0x08, 0x01], (await reader.WaitForAsync(MessageType.SyncStatus)).Frame);
        await reader.SendAsync(Messages.Sync("doc", SyncMessage.SyncStep2(Messages.TextInsert("y"))));
        Assert.Equal([0x03, 0x64, 0x6f, 0x63, 0x08, 0x00], (await reader.WaitForAsync(MessageType.SyncStatus)).Frame);

        await using var writer = await host.ConnectAsync();
        Assert.Empty(Messages.TextOf(await writer.JoinAsync("doc")));
    }

    [Fact]
    public async Task OneSocketCarriesSeveralDocumentsAndSessionAddresses()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("a");
        await client.JoinAsync("b");
        await client.JoinAsync("a\0session1");

        await client.SendAsync(Messages.Update("a\0session1", Messages.TextInsert("x")));

        var found = await client.WaitForAllAsync(
            m => m.Address == "a" && m.Type == MessageType.Sync,
            m => m.Address == "a\0session1" && m.Type == MessageType.SyncStatus);
        Assert.Equal("x", Messages.TextOf(found[0].ReadSync().Payload));
        await using var other = await host.ConnectAsync();
        Assert.Empty(Messages.TextOf(await other.JoinAsync("b")));
        Assert.Equal(2, host.Server.GetDocumentsCount());
    }

    [Fact]
    public async Task StatelessMessagesReachTheHookWhichCanAnswerOrBroadcast()
    {
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension
        {
            Stateless = p =>
            {
                p.Connection.SendStateless("echo:" + p.Payload);
                p.Document.BroadcastStateless("all:" + p.Payload);
                return default;
            },
        });
        await using var alice = await host.ConnectAsync();
        await using var bob = await host.ConnectAsync();
        await alice.JoinAsync("doc");
        await bob.JoinAsync("doc");

        await alice.SendAsync(Messages.Stateless("doc", "ping"));

        Assert.Equal("echo:ping", (await alice.WaitForAsync(MessageType.Stateless)).ReadStateless());
        Assert.Equal("all:ping", (await bob.WaitForAsync(MessageType.Stateless)).ReadStateless());
    }

    [Fact]
    public async Task ATokenMessageOnAnEstablishedConnectionRunsOnTokenSyncAndAFailureClosesIt()
    {
        var tokens = new List<string>();
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension
        {
            TokenSync = p =>
            {
                tokens.Add(p.Token);
                return p.Token == "expired" ? throw new InvalidOperationException("expired") : default;
            },
        });
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        await client.SendAsync(Messages.Auth("doc", "fresh"));
        await client.SendAsync(Messages.Auth("doc", "expired"));

        var close = await client.WaitForAsync(MessageType.Close);
        Assert.Equal("Unauthorized", close.ReadStateless());
        Assert.Equal(["fresh", "expired"], tokens);
    }

    [Fact]
    public async Task TheServerCanAskForAFreshTokenAndTheAnswerRunsOnTokenSync()
    {
        var refreshed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension
        {
            OnConnected = p => { p.Connection.RequestToken(); return default; },
            TokenSync = p => { refreshed.TrySetResult(p.Token); return default; },
        });
        await using var client = await host.ConnectAsync();
        await client.AuthenticateAsync("doc", "first");

        var request = await client.WaitForAsync(MessageType.Auth);
        Assert.Equal([0x03, 0x64, 0x6f, 0x63, 0x02, 0x00], request.Frame);
        await client.SendAsync(Messages.Auth("doc", "second"));

        Assert.Equal("second", await refreshed.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ACloseFromTheProviderEndsOnlyThatDocumentConnection()
    {
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension { Disconnect = p => { disconnected.TrySetResult(p.Reason); return default; } });
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("a");
        await client.JoinAsync("b");

        await client.SendAsync(Messages.Bare("a", MessageType.Close));

        Assert.Equal("provider_initiated", await disconnected.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken));
        await client.SendAsync(Messages.Update("b", Messages.TextInsert("still here")));
        await client.WaitForAsync(m => m.Address == "b" && m.Type == MessageType.SyncStatus);
    }

    [Fact]
    public async Task ACloseFromTheProviderIsAnsweredWithCloseAndRunsOnDisconnect()
    {
        var disconnected = new TaskCompletionSource<(int, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension { Disconnect = p => { disconnected.TrySetResult((p.Code, p.Reason)); return default; } });
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        await client.SendAsync(Messages.Bare("doc", MessageType.Close));

        var echo = await client.WaitForAsync(MessageType.Close);
        Assert.Equal([0x03, 0x64, 0x6f, 0x63, 0x07, 0x12, .. "provider_initiated"u8], echo.Frame);
        Assert.Equal((1000, "provider_initiated"), await disconnected.Task.WaitAsync(ProtocolClient.Patience, TestContext.Current.CancellationToken));
        await Eventually.TrueAsync(() => host.Server.GetDocumentsCount() == 0, "the document to unload");
    }

    [Fact]
    public async Task AProviderThatReattachesRightAfterItsCloseIsAuthenticatedAfterTheOldConnectionClosed()
    {
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension
        {
            Authenticate = p => { events.Enqueue("authenticate " + p.Token); return default; },
            Disconnect = async p =>
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
                events.Enqueue("disconnect " + p.Reason);
            },
        });
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc", "first");

        await client.SendAsync(Messages.Bare("doc", MessageType.Close));
        await client.SendAsync(Messages.Auth("doc", "second"));
        await client.SendAsync(Messages.Sync("doc", SyncMessage.SyncStep1([0])));

        Assert.Equal(MessageType.Close, (await client.WaitForAsync(m => m.Type is MessageType.Close or MessageType.Auth)).Type);
        Assert.Equal(MessageType.Auth, (await client.WaitForAsync(m => m.Type is MessageType.Close or MessageType.Auth)).Type);
        await client.WaitForAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.SyncStep2);
        Assert.Equal(["authenticate first", "disconnect provider_initiated", "authenticate second"], events);
    }
}
