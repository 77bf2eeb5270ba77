using Collab.SyncServer.Extensions.Sqlite;

namespace Collab.Tests.SyncServer.Extensions.Sqlite;

public sealed class SqliteSlotTests
{
    [Fact]
    public void EachClaimGetsTheLowestSlotNobodyHoldsAndAReleasedSlotIsReused()
    {
        using var folder = new TempFolder();
        var template = folder.File("syncserver-{slot}/collab.db");

        using var first = SqliteSlot.Claim(template);
        var second = SqliteSlot.Claim(template);
        using var third = SqliteSlot.Claim(template);

        Assert.Equal((0, folder.File("syncserver-0/collab.db")), (first.Number, first.Path));
        Assert.Equal((1, folder.File("syncserver-1/collab.db")), (second.Number, second.Path));
        Assert.Equal(2, third.Number);
        Assert.True(Directory.Exists(folder.File("syncserver-1")));

        second.Dispose();
        using var again = SqliteSlot.Claim(template);
        Assert.Equal(1, again.Number);
    }

    [Fact]
    public void APathWithoutThePlaceholderIsUsedAsItIs()
    {
        Assert.False(SqliteSlot.IsTemplate("data/collab.db"));
        Assert.True(SqliteSlot.IsTemplate("data/syncserver-{slot}/collab.db"));
    }
}
