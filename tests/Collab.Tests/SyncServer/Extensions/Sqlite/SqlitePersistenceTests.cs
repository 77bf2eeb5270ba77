using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Microsoft.Data.Sqlite;

namespace Collab.Tests.SyncServer.Extensions.Sqlite;

public sealed class SqlitePersistenceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ADocumentSurvivesAServerRestart()
    {
        var path = _folder.File("data/collab.db");
        await using (var server = await ExtensionServer.StartAsync(path))
        {
            await using var client = await server.ConnectAsync();
            await client.JoinAsync("notes");
            await client.SendAsync(Messages.Update("notes", Messages.TextInsert("persisted")));
            Assert.Equal(1, (await client.WaitForAsync(MessageType.SyncStatus)).Frame[^1]);
        }

        Assert.True(File.Exists(path));
        await using var restarted = await ExtensionServer.StartAsync(path);
        await using var reader = await restarted.ConnectAsync();

        Assert.Equal("persisted", Messages.TextOf(await reader.JoinAsync("notes")));
    }

    [Fact]
    public async Task ACorruptStoredDocumentIsDeniedInsteadOfServedEmpty()
    {
        var path = _folder.File("collab.db");
        await using var server = await ExtensionServer.StartAsync(path);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO documents (name, data, updated_at) VALUES ('broken', x'ff00ff00ff', 0)";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var client = await server.ConnectAsync();
        await client.SendAsync(Messages.Auth("broken", ""));

        await client.WaitForAsync(m => m.Type == MessageType.Auth && m.ReadAuth().Type == AuthMessageType.PermissionDenied);
        Assert.Null(server.Server.Documents.Find("broken"));
    }
}
