using Collab.Tests.SyncServer.Support;

namespace Collab.Tests.SyncServer.Hostile;

/// <summary>How many log lines one socket's messages can cause.</summary>
public sealed class SocketLogBudgetTests
{
    [Fact]
    public async Task ASocketSendingHundredsOfUnknownMessagesCausesABoundedNumberOfLogLines()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        for (var i = 0; i < 300; i++)
        {
            await client.SendAsync(Collab.Tests.SyncServer.Support.Messages.Bare("doc", (Collab.SyncServer.Protocol.MessageType)99));
        }

        await client.RoundTripAsync("doc");

        var unknown = host.App.Log.Text.Split('\n').Count(l => l.Contains("[1114]", StringComparison.Ordinal));
        var suppressed = host.App.Log.Text.Split('\n').Count(l => l.Contains("[1147]", StringComparison.Ordinal));
        Assert.Equal(SocketLogBudgetLimit, unknown);
        Assert.Equal(1, suppressed);
    }

    private const int SocketLogBudgetLimit = 20;
}
