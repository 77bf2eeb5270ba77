using Collab.Yjs;

namespace Collab.Tests.Yjs;

public class ItemPoolTests
{
    [Fact]
    public void RemoteItemsComeFromTheOldestGenerationOnceThePoolHasAged()
    {
        // On a thread of its own, so that the thread's current chunk starts empty.
        var result = RunOnNewThread(() =>
        {
            var source = new Doc(new DocOptions { ClientId = 7 });
            var target = new Doc(new DocOptions { ClientId = 8 });
            var targetText = target.GetText("t");
            var updates = new List<byte[]>();
            source.Update += (_, e) => updates.Add(e.Update);
            var sourceText = source.GetText("t");
            var random = new Random(3);
            for (var i = 0; i < 3000; i++)
            {
                sourceText.Insert(random.Next(sourceText.Length + 1), "x");
            }

            // The first updates find the pool empty: fresh items, and chunks start ageing.
            foreach (var update in updates.Take(1000))
            {
                target.ApplyUpdate(update);
            }

            GC.Collect();
            GC.Collect();
            GC.Collect();
            foreach (var update in updates.Skip(1000))
            {
                target.ApplyUpdate(update);
            }

            var generations = Items(target).Where(i => i.Clock >= 1000).Select(GC.GetGeneration).ToList();
            return (Text: targetText.ToString(), Expected: sourceText.ToString(), Generations: generations);
        });

        Assert.Equal(result.Expected, result.Text);
        Assert.InRange(result.Generations.Count, 1000, 2000); // adjacent inserts of the client merge into one item

        // The last two thousand items were rented after the pool had aged: at least a chunk of them was already in the
        // oldest generation when it was linked in (a fresh item needs two collections to get there, and the test
        // forces none after the first thousand).
        Assert.True(ItemPool.PooledChunks > 0);
        Assert.True(result.Generations.Count(g => g == GC.MaxGeneration) >= 256, string.Join(",", result.Generations.GroupBy(g => g).Select(g => $"gen{g.Key}: {g.Count()}")));
    }

    private static IEnumerable<Item> Items(Doc doc)
    {
        for (var item = doc.GetText("t").Start; item is not null; item = item.Right)
        {
            yield return item;
        }
    }

    private static T RunOnNewThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? result : throw new InvalidOperationException("the work failed", error);
    }
}
