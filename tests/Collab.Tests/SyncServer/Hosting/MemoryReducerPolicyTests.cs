using Collab.SyncServer.Hosting;

namespace Collab.Tests.SyncServer.Hosting;

public sealed class MemoryReducerPolicyTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void ReducesOnlyAfterGrowthFollowedByAQuietSpell()
    {
        var policy = new MemoryReducerPolicy(committed: 50 * MiB);
        long allocated = 0;

        // a burst: the heap grows while the process allocates a lot
        for (var i = 1; i <= 5; i++)
        {
            allocated += 40 * MiB;
            Assert.False(policy.Sample(allocated, (50 + (20 * i)) * MiB));
        }

        // quiet: a little allocation per second; the reduction comes on the third quiet sample
        allocated += MiB;
        Assert.False(policy.Sample(allocated, 150 * MiB));
        allocated += MiB;
        Assert.False(policy.Sample(allocated, 150 * MiB));
        allocated += MiB;
        Assert.True(policy.Sample(allocated, 150 * MiB));

        // after it, the new level is the base: no second reduction while nothing grows
        policy.Reduced(90 * MiB);
        for (var i = 0; i < 10; i++)
        {
            allocated += MiB;
            Assert.False(policy.Sample(allocated, 90 * MiB));
        }
    }

    [Fact]
    public void NeverReducesUnderLoadOrWithoutEnoughGrowth()
    {
        var busy = new MemoryReducerPolicy(committed: 50 * MiB);
        long allocated = 0;
        for (var i = 0; i < 20; i++)
        {
            allocated += 30 * MiB; // an editing load allocates continuously
            Assert.False(busy.Sample(allocated, 500 * MiB));
        }

        var small = new MemoryReducerPolicy(committed: 50 * MiB);
        allocated = 0;
        for (var i = 0; i < 20; i++)
        {
            allocated += 100 * 1024;
            Assert.False(small.Sample(allocated, 70 * MiB)); // grew by 20 MiB only
        }
    }

    [Fact]
    public void GrowthCountsFromTheLowestLevelSeen()
    {
        var policy = new MemoryReducerPolicy(committed: 200 * MiB);
        long allocated = 0;

        // the heap shrank by itself to 60 MiB, then grew to 100 MiB: 40 MiB of growth
        Assert.False(policy.Sample(allocated, 60 * MiB));
        for (var i = 0; i < 2; i++)
        {
            allocated += MiB;
            Assert.False(policy.Sample(allocated, 100 * MiB));
        }

        allocated += MiB;
        Assert.True(policy.Sample(allocated, 100 * MiB));
    }
}
