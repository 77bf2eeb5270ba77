using Collab.Yjs;

namespace Collab.Tests.Yjs;

/// <summary>
/// A transaction's state vectors and update come from the clients it changed, noted as structs are added, not from
/// walks over every client of the document (which grow with every session that ever wrote).
/// </summary>
public class TransactionStateTests
{
    private const int Writers = 40;

    /// <summary>A document that clients 1..<see cref="Writers"/> wrote one character each.</summary>
    private static byte[] History()
    {
        var parts = new List<byte[]>();
        for (var i = 1; i <= Writers; i++)
        {
            var d = new Doc(new DocOptions { ClientId = i });
            d.GetText("t").Insert(0, "x");
            parts.Add(d.EncodeStateAsUpdate());
        }

        return YUpdates.MergeUpdates(parts);
    }

    [Fact]
    public void ALocalEditChangesOneClientAndStillReportsTheWholeStateVectors()
    {
        var history = History();
        var doc = new Doc(new DocOptions { ClientId = 1000 });
        doc.ApplyUpdate(history);
        (int ChangedBefore, int ChangedAfter, Dictionary<long, long> Before, Dictionary<long, long> After)? seen = null;
        byte[]? update = null;
        doc.Update += (_, e) =>
        {
            var t = e.Transaction;
            seen = (t.ChangedBefore.Count, t.ChangedAfter.Count, new(t.BeforeState), new(t.AfterState));
            update = e.Update;
        };

        doc.GetText("t").Insert(3, "ab");

        var (changedBefore, changedAfter, before, after) = seen!.Value;
        Assert.Equal(1, changedBefore);
        Assert.Equal(1, changedAfter);
        Assert.Equal(Writers, before.Count);
        Assert.All(Enumerable.Range(1, Writers), i => Assert.Equal(1, before[i]));
        Assert.False(before.ContainsKey(1000));
        Assert.Equal(Writers + 1, after.Count);
        Assert.Equal(2, after[1000]);

        // the update carries exactly the edit: applied to the history it gives the same text
        var remote = new Doc();
        remote.ApplyUpdate(history);
        remote.ApplyUpdate(update!);
        Assert.Equal(doc.GetText("t").ToString(), remote.GetText("t").ToString());
        Assert.Equal(Writers + 2, remote.GetText("t").Length);
    }

    [Fact]
    public void ARemoteUpdateFromManyClientsChangesEachOfThemOnce()
    {
        var doc = new Doc(new DocOptions { ClientId = 1000 });
        Transaction? transaction = null;
        byte[]? update = null;
        doc.Update += (_, e) =>
        {
            transaction = e.Transaction;
            update = e.Update;
            Assert.Equal(Writers, e.Transaction.ChangedAfter.Count);
            Assert.Empty(e.Transaction.BeforeState);
            Assert.Equal(Writers, e.Transaction.AfterState.Count);
        };

        var history = History();
        doc.ApplyUpdate(history);

        Assert.NotNull(transaction);
        var remote = new Doc();
        remote.ApplyUpdate(update!);
        Assert.Equal(doc.GetText("t").ToString(), remote.GetText("t").ToString());
    }

    [Fact]
    public void AChangeMadeByAnObserverIsInTheOuterUpdateButNotInItsAfterState()
    {
        // like yjs: the observer's transaction runs inside the outer cleanup, after the outer afterState was taken,
        // and the outer update is written from the outer beforeState to the store as it is then
        var other = new Doc(new DocOptions { ClientId = 2 });
        other.GetText("t").Insert(0, "B");
        var fromOther = other.EncodeStateAsUpdate();

        var doc = new Doc(new DocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        var applied = false;
        text.Observe((_, _) =>
        {
            if (!applied)
            {
                applied = true;
                doc.ApplyUpdate(fromOther);
            }
        });
        var updates = new List<(byte[] Update, Dictionary<long, long> Before, Dictionary<long, long> After)>();
        doc.Update += (_, e) => updates.Add((e.Update, new(e.Transaction.BeforeState), new(e.Transaction.AfterState)));

        text.Insert(0, "A");

        Assert.Equal(2, updates.Count);
        var (outer, outerBefore, outerAfter) = updates[0];
        Assert.Empty(outerBefore);
        Assert.Equal(new Dictionary<long, long> { [1] = 1 }, outerAfter);
        var remote = new Doc();
        remote.ApplyUpdate(outer);
        Assert.Equal(doc.GetText("t").ToString(), remote.GetText("t").ToString());
        Assert.Equal(2, remote.GetText("t").Length);

        var (_, innerBefore, innerAfter) = updates[1];
        Assert.Equal(new Dictionary<long, long> { [1] = 1 }, innerBefore);
        Assert.Equal(new Dictionary<long, long> { [1] = 1, [2] = 1 }, innerAfter);
    }

    [Fact]
    public void TheStateVectorsOfAFinishedTransactionCanBeReadUntilTheDocumentChangesAgain()
    {
        var doc = new Doc(new DocOptions { ClientId = 7 });
        var seen = new List<Transaction>();
        doc.AfterTransaction += (_, t) => seen.Add(t);

        doc.GetText("t").Insert(0, "abc");
        doc.GetText("t").Insert(0, "d");
        var first = seen[0];
        Assert.Throws<InvalidOperationException>(() => first.BeforeState);
        Assert.Throws<InvalidOperationException>(() => first.AfterState);

        var last = seen[1];
        Assert.Equal(3, last.BeforeState[7]);
        Assert.Equal(4, last.AfterState[7]);

        // once read, they stay readable
        doc.GetText("t").Insert(0, "e");
        Assert.Equal(3, last.BeforeState[7]);
        Assert.Equal(4, last.AfterState[7]);
    }

    [Fact]
    public void ATransactionWithoutStructsHasNoChangedClients()
    {
        var doc = new Doc(new DocOptions { ClientId = 7 });
        doc.GetText("t").Insert(0, "abc");
        Transaction? deleting = null;
        var updates = 0;
        doc.Update += (_, e) =>
        {
            updates++;
            deleting = e.Transaction;
            Assert.Empty(e.Transaction.ChangedAfter);
            Assert.Equal(e.Transaction.BeforeState, e.Transaction.AfterState);
        };

        doc.GetText("t").Delete(0, 1);
        doc.Transact(_ => { });

        Assert.Equal(1, updates); // the empty transaction emits nothing
        Assert.NotNull(deleting);
    }
}
