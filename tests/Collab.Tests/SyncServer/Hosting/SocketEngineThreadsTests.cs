using Collab.SyncServer;

namespace Collab.Tests.SyncServer.Hosting;

public sealed class SocketEngineThreadsTests
{
    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(0, 2, 1)]
    [InlineData(0, 3, 1)]
    [InlineData(0, 8, 4)]
    [InlineData(0, 64, 32)]
    [InlineData(3, 2, 3)]
    [InlineData(1, 16, 1)]
    public void TheDefaultIsHalfTheProcessorsAndAnExplicitCountWins(int configured, int processors, int expected)
    {
        Assert.Equal(expected, SyncServerOptions.SocketEngineCount(configured, processors));
    }
}
