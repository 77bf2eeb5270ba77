using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;

namespace Collab.Tests.Yjs.Protocols;

public class AwarenessTests
{
    private readonly ManualTimeProvider _time = new();

    private static JsObject User(string name) => (JsObject)JsJson.Parse("{\"user\":{\"name\":\"" + name + "\"}}")!;

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private Awareness Create(ulong clientId, List<AwarenessChangeEventArgs>? updates = null, List<AwarenessChangeEventArgs>? changes = null)
    {
        var awareness = new Awareness(clientId, _time);
        if (updates is not null)
        {
            awareness.Update += (_, e) => updates.Add(e);
        }

        if (changes is not null)
        {
            awareness.Change += (_, e) => changes.Add(e);
        }

        return awareness;
    }

    [Fact]
    public void EncodesTheSpecExamples()
    {
        using var a = Create(1);
        a.SetLocalState(User("A"));
        Assert.Equal("01010115" + "7b2275736572223a7b226e616d65223a2241227d7d", Hex(a.EncodeUpdate([1])));
        a.SetLocalState(null);
        Assert.Equal("010102046e756c6c", Hex(a.EncodeUpdate([1])));
        using var big = Create(3000000000);
        Assert.Equal("0180bcc1960b00027b7d", Hex(big.EncodeUpdate([3000000000])));
    }

    [Fact]
    public void TheInitialStateAtClockZeroIsNotAcceptedByPeersLikeInYProtocols()
    {
        List<AwarenessChangeEventArgs> updates = [];
        using var server = Create(100, updates);
        using var client = Create(1);

        server.ApplyUpdate(client.EncodeUpdate([1]), null);

        Assert.Empty(updates);
        Assert.False(server.TryGetState(1, out _));
    }

    [Fact]
    public void StartsWithAnEmptyLocalStateAtClockZero()
    {
        using var a = Create(5);

        Assert.Equal("{}", JsJson.Stringify(a.LocalState));
        Assert.Equal(0UL, a.GetMeta()[5].Clock);
    }

    [Fact]
    public void UnknownClientWithAStateIsAddedAndANewerClockUpdatesIt()
    {
        List<AwarenessChangeEventArgs> updates = [], changes = [];
        using var server = Create(100, updates, changes);
        using var client = Create(1);
        client.SetLocalState(User("A"));

        server.ApplyUpdate(client.EncodeUpdate([1]), "conn");
        client.SetLocalState(User("A"));
        server.ApplyUpdate(client.EncodeUpdate([1]), "conn");
        client.SetLocalState(User("B"));
        server.ApplyUpdate(client.EncodeUpdate([1]), "conn");

        Assert.Equal(3, updates.Count);
        Assert.Equal([1UL], updates[0].Added);
        Assert.Equal([1UL], updates[1].Updated);
        Assert.Equal([1UL], updates[2].Updated);
        Assert.Equal(2, changes.Count);
        Assert.Equal([1UL], changes[0].Added);
        Assert.Equal([1UL], changes[1].Updated);
        Assert.Equal("conn", updates[0].Origin);
        Assert.Equal("""{"user":{"name":"B"}}""", JsJson.Stringify(server.GetStates()[1]));
    }

    [Fact]
    public void OlderOrEqualClocksAreIgnoredSilently()
    {
        List<AwarenessChangeEventArgs> updates = [];
        using var server = Create(100, updates);
        using var client = Create(1);
        client.SetLocalState(User("A"));
        var first = client.EncodeUpdate([1]);
        client.SetLocalState(User("B"));
        var second = client.EncodeUpdate([1]);

        server.ApplyUpdate(second, null);
        server.ApplyUpdate(first, null);
        server.ApplyUpdate(second, null);

        Assert.Single(updates);
        Assert.Equal("""{"user":{"name":"B"}}""", JsJson.Stringify(server.GetStates()[1]));
    }

    [Fact]
    public void RemovalAtTheSameClockIsAcceptedAndKeepsTheMeta()
    {
        List<AwarenessChangeEventArgs> updates = [];
        using var server = Create(100);
        using var peer = Create(200, updates);
        using var client = Create(1);
        client.SetLocalState(User("A"));
        server.ApplyUpdate(client.EncodeUpdate([1]), null);
        peer.ApplyUpdate(client.EncodeUpdate([1]), null);

        server.RemoveStates([1], "closed");
        var removal = server.EncodeUpdate([1]);
        peer.ApplyUpdate(removal, "relay");

        Assert.Equal("010101046e756c6c", Hex(removal));
        Assert.False(peer.TryGetState(1, out _));
        Assert.Equal(1UL, peer.GetMeta()[1].Clock);
        Assert.Equal([1UL], updates[^1].Removed);
        Assert.Equal("relay", updates[^1].Origin);
    }

    [Fact]
    public void ARemotePeerCannotRemoveTheLocalStateButBumpsItsClock()
    {
        List<AwarenessChangeEventArgs> updates = [];
        using var a = Create(1, updates);
        a.SetLocalState(User("A"));
        var removal = Convert.FromHexString("010105046e756c6c");

        a.ApplyUpdate(removal, "evil");

        Assert.True(a.TryGetState(1, out _));
        Assert.Equal(6UL, a.GetMeta()[1].Clock);
        Assert.Equal([1UL], updates[^1].Removed);
    }

    [Fact]
    public void RemovingOthersKeepsTheirClocksAndOnlyBumpsTheLocalOne()
    {
        using var server = Create(100);
        using var client = Create(1);
        client.SetLocalState(User("A"));
        server.ApplyUpdate(client.EncodeUpdate([1]), null);

        server.RemoveStates([1, 100, 12345], "closed");

        Assert.Equal(1UL, server.GetMeta()[1].Clock);
        Assert.Equal(1UL, server.GetMeta()[100].Clock);
        Assert.Empty(server.GetStates());
    }

    [Fact]
    public void RemoteClientsExpireAfterThirtySecondsWithoutRenewal()
    {
        List<AwarenessChangeEventArgs> updates = [];
        using var server = Create(100, updates);
        server.SetLocalState(null);
        using var client = Create(1);
        client.SetLocalState(User("A"));
        server.ApplyUpdate(client.EncodeUpdate([1]), null);
        updates.Clear();

        _time.Advance(TimeSpan.FromMilliseconds(29_999));
        Assert.True(server.TryGetState(1, out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(server.TryGetState(1, out _));
        Assert.Equal([1UL], updates.Single().Removed);
        Assert.Equal(Awareness.TimeoutOrigin, updates.Single().Origin);
    }

    [Fact]
    public void TheLocalStateIsRenewedEveryFifteenSeconds()
    {
        List<AwarenessChangeEventArgs> updates = [], changes = [];
        using var a = Create(1, updates, changes);

        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.Empty(updates);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([1UL], updates.Single().Updated);
        Assert.Empty(changes);
        Assert.Equal(1UL, a.GetMeta()[1].Clock);
    }

    [Fact]
    public void RenewalsKeepARemoteClientAlive()
    {
        using var server = Create(100);
        using var client = Create(1);
        client.SetLocalState(User("A"));
        for (var i = 0; i < 10; i++)
        {
            server.ApplyUpdate(client.EncodeUpdate([1]), null);
            _time.Advance(TimeSpan.FromSeconds(15));
        }

        Assert.True(server.TryGetState(1, out _));
        Assert.Equal(10UL, server.GetMeta()[1].Clock);
    }

    [Fact]
    public void DisposingStopsTheTimerAndRemovesTheLocalState()
    {
        List<AwarenessChangeEventArgs> updates = [];
        var a = Create(1, updates);

        a.Dispose();

        Assert.Equal(0, _time.ActiveTimers);
        Assert.Null(a.LocalState);
        Assert.Equal([1UL], updates.Single().Removed);
    }

    [Fact]
    public void FullUpdateIsNullWithoutStatesAndListsEveryPresentClientOtherwise()
    {
        using var server = Create(100);
        server.SetLocalState(null);
        Assert.Null(server.EncodeFullUpdate());
        using var client = Create(1);
        client.SetLocalState(new JsObject());
        server.ApplyUpdate(client.EncodeUpdate([1]), null);

        Assert.Equal("010101027b7d", Hex(server.EncodeFullUpdate()!));
    }

    [Fact]
    public void EncodingAClientThatWasNeverSeenIsAnArgumentError()
    {
        using var a = Create(1);

        Assert.Throws<ArgumentException>(() => a.EncodeUpdate([2]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("01")]
    [InlineData("010101")]
    [InlineData("0101010a7b7d")]
    [InlineData("010101027b7b")]
    [InlineData("02010102ffff")]
    [InlineData("ffffffff0f")]
    public void MalformedUpdatesThrowAndChangeNothing(string update)
    {
        List<AwarenessChangeEventArgs> updates = [];
        using var a = Create(100, updates);

        Assert.Throws<YjsDecodingException>(() => a.ApplyUpdate(Convert.FromHexString(update), null));
        Assert.Empty(updates);
        Assert.Single(a.GetMeta());
    }

    [Fact]
    public void StatesAreReEncodedLikeJsonStringifyOfTheParsedJson()
    {
        using var server = Create(100);
        var json = """{ "b" : 1.50, "1": [1e2, -0, "\u0041"] }""";
        var update = AwarenessUpdate.Encode([new AwarenessUpdateEntry(1, 1, JsJson.Parse(json))]);

        server.ApplyUpdate(update, null);

        Assert.Equal("""{"1":[100,0,"A"],"b":1.5}""", JsJson.Stringify(server.GetStates()[1]));
    }
}
