using Collab.Yjs;

namespace Collab.Tests.Yjs;

/// <summary>
/// Updates that wait for missing ones (pending structs): adding one costs its own size, the document keeps at most
/// <see cref="Doc.MaxPendingBytes"/> of them, and they still resolve exactly like yjs once what they wait for arrives.
/// </summary>
public sealed class PendingLimitTests
{
    /// <summary><paramref name="count"/> inserts of <paramref name="length"/> characters by one client, one update each.</summary>
    private static List<byte[]> Typed(int count, int length)
    {
        var doc = new Doc(new DocOptions { ClientId = 42 });
        var updates = new List<byte[]>();
        doc.Update += (_, e) => updates.Add(e.Update);
        var text = doc.GetText("t");
        for (var i = 0; i < count; i++)
        {
            text.Insert(text.Length, new string((char)('a' + (i % 26)), length));
        }

        return updates;
    }

    [Fact]
    public void ThousandsOfUpdatesWaitingForAMissingOneAreHeldAndAllResolveWhenItArrives()
    {
        var updates = Typed(4001, 500);
        var expected = new Doc();
        foreach (var update in updates)
        {
            expected.ApplyUpdate(update);
        }

        var doc = new Doc();
        // every update after the first waits for it; adding each one used to merge everything pending again (4,000
        // updates of 500 characters took over a minute on a server); a guard of minutes, not a speed target
        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (var update in updates.Skip(1))
        {
            doc.ApplyUpdate(update);
        }

        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.Equal("", doc.GetText("t").ToString());
        Assert.InRange(doc.PendingBytes, 4000 * 500, 4000 * 600);
        Assert.Equal(0, doc.PendingRejections);

        // resolving merges the 4,001 adjacent items of one client in one transaction: merged from the right, each
        // step copied the growing run again (32 s); from the left the content is copied once
        started.Restart();
        doc.ApplyUpdate(updates[0]);
        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));

        Assert.Equal(expected.GetText("t").ToString(), doc.GetText("t").ToString());
        Assert.Equal(0, doc.PendingBytes);
        Assert.Null(doc.PendingStructsMissing);
        Assert.Equal(expected.EncodeStateAsUpdate(), doc.EncodeStateAsUpdate());
    }

    [Fact]
    public void PendingUpdatesBeyondTheLimitAreDroppedAndCountedAndTheDocumentStaysConsistent()
    {
        var updates = Typed(101, 1000);
        var doc = new Doc { MaxPendingBytes = 20_000 };

        foreach (var update in updates.Skip(1))
        {
            doc.ApplyUpdate(update);
        }

        Assert.InRange(doc.PendingBytes, 15_000, 20_000);
        Assert.InRange(doc.PendingRejections, 70, 90);

        // what was held resolves once the missing update arrives; what was dropped is simply not there (its sender
        // resyncs), and the document's encoding round-trips
        doc.ApplyUpdate(updates[0]);
        var text = doc.GetText("t").ToString();
        Assert.Equal(1000 * (1 + (100 - (int)doc.PendingRejections)), text.Length);
        Assert.Equal(0, doc.PendingBytes);
        var copy = new Doc();
        copy.ApplyUpdate(doc.EncodeStateAsUpdate());
        Assert.Equal(text, copy.GetText("t").ToString());

        // the dropped ones, sent again in order, complete it
        foreach (var update in updates)
        {
            doc.ApplyUpdate(update);
        }

        Assert.Equal(101 * 1000, doc.GetText("t").Length);
    }
}
