using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>Several documents of one socket authenticating and loading at the same moment (§7.2.4, §7.2.5).</summary>
public sealed class ConcurrentAuthenticationTests
{
    [Fact]
    public async Task ADocumentThatFailsToLoadWhileAnotherAuthenticatesOnTheSameSocketDoesNotDisturbIt()
    {
        var ct = TestContext.Current.CancellationToken;
        // many rounds: a fresh socket each, because the race this once lost (two threads making the upgrade request's
        // features at once) can only happen on a socket's first authentications
        for (var round = 0; round < 50; round++)
        {
            // both authentications and both loads are in flight together before either may finish
            var authenticating = new Rendezvous(2);
            var loading = new Rendezvous(2);
            await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension
            {
                Authenticate = async p =>
                {
                    _ = p.RequestHeaders.Count + p.RequestParameters.Count;
                    await authenticating.ArriveAsync(ct);
                },
                Load = async p =>
                {
                    await loading.ArriveAsync(ct);
                    if (p.DocumentName == "broken")
                    {
                        throw new CollabRejectException("load-failed");
                    }
                },
            });
            await using var client = await host.ConnectAsync();

            await client.SendAsync(Messages.Auth("broken", "t"));
            await client.SendAsync(Messages.Auth("fine", "t"));
            await client.SendAsync(Messages.Sync("broken", SyncMessage.SyncStep1([0])));
            await client.SendAsync(Messages.Sync("fine", SyncMessage.SyncStep1([0])));

            var answers = await client.WaitForAllAsync(
                m => m.Address == "broken" && m.Type == MessageType.Auth && AuthAnswer(m) == (AuthMessageType.PermissionDenied, "load-failed"),
                m => m.Address == "fine" && m.Type == MessageType.Auth,
                m => m.Address == "fine" && m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.SyncStep2);
            Assert.Equal((AuthMessageType.Authenticated, "read-write"), AuthAnswer(answers[1]));
        }
    }

    /// <summary>Completes for everybody once <paramref name="parties"/> callers arrived.</summary>
    private sealed class Rendezvous(int parties)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync(CancellationToken ct)
        {
            if (Interlocked.Increment(ref _arrived) == parties)
            {
                _all.TrySetResult();
            }

            return _all.Task.WaitAsync(ProtocolClient.Patience, ct);
        }
    }

    private static (AuthMessageType, string) AuthAnswer(InboundMessage message)
    {
        var decoder = new Collab.Yjs.Lib0.Lib0Decoder(message.Frame);
        decoder.ReadVarString();
        decoder.ReadVarUInt();
        var type = (AuthMessageType)decoder.ReadVarUInt();
        return (type, decoder.HasContent ? decoder.ReadVarString() : "");
    }
}
