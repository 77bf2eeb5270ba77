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
        for (var round = 0; round < 20; round++)
        {
            // both authentications and both loads are in flight together before either may finish
            var authenticating = new CountdownEvent(2);
            var loading = new CountdownEvent(2);
            await using var host = await SyncServerHost.StartAsync(extensions: new TestExtension
            {
                Authenticate = async p =>
                {
                    _ = p.RequestHeaders.Count + p.RequestParameters.Count;
                    authenticating.Signal();
                    await WaitAsync(authenticating, ct);
                },
                Load = async p =>
                {
                    loading.Signal();
                    await WaitAsync(loading, ct);
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

    private static async Task WaitAsync(CountdownEvent countdown, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ProtocolClient.Patience);
        await Task.Run(() => countdown.Wait(timeout.Token), timeout.Token);
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
