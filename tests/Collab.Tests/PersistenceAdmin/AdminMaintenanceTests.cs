using Collab.Persistence.Storage;
using Collab.Tests.SyncServer.Extensions;
using Collab.Tests.SyncServer.Extensions.Sqlite;
using Collab.Yjs;

namespace Collab.Tests.PersistenceAdmin;

/// <summary>compact and verify through the built executable, on SQLite and folder stores.</summary>
public sealed class AdminMaintenanceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CompactShrinksADocumentWithManyDeletionsAndKeepsItsContent()
    {
        var state = AdminCli.StateWithManyDeletions(4000, 100);
        using (var store = new SqliteDocumentStore(_folder.File("docs.db")))
        {
            await store.StoreAsync("edited", state, Ct);
            await store.StoreAsync("fresh", TextStates.Of("short"), Ct);
        }

        var compact = await AdminCli.RunAsync(_folder.Path, Ct, "compact", "--all", "--sqlite", "docs.db");
        var again = await AdminCli.RunAsync(_folder.Path, Ct, "compact", "edited", "--sqlite", "docs.db");

        Assert.True(compact.ExitCode == 0, compact.ToString());
        Assert.Contains("compacted 1 of 2 documents", compact.Output, StringComparison.Ordinal);
        Assert.Contains("\"fresh\"", compact.Output, StringComparison.Ordinal);
        using var reopened = new SqliteDocumentStore(_folder.File("docs.db"));
        var compacted = (await reopened.LoadAsync("edited", Ct))!;
        Assert.True(compacted.Length < state.Length / 4, $"{state.Length} → {compacted.Length} bytes");
        Assert.Equal(DocJson.Render(state), DocJson.Render(compacted));
        Assert.Equal(100, DocJson.Roots(compacted).Single().Value is string s ? s.Length : -1);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already compact", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyFindsACorruptedSqliteRowAndExitsWith1()
    {
        var database = _folder.File("docs.db");
        using (var store = new SqliteDocumentStore(database))
        {
            await store.StoreAsync("good", TextStates.Of("fine"), Ct);
            await store.StoreAsync("bad", TextStates.Of("soon broken"), Ct);
        }

        await SqliteFiles.CorruptAsync(database, "bad", Ct);

        var all = await AdminCli.RunAsync(_folder.Path, Ct, "verify", "--all", "--sqlite", "docs.db");
        var good = await AdminCli.RunAsync(_folder.Path, Ct, "verify", "good", "--sqlite", "docs.db");

        Assert.True(all.ExitCode == 1, all.ToString());
        Assert.Contains("FAILED \"bad\"", all.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED \"good\"", all.Output, StringComparison.Ordinal);
        Assert.Contains("1 ok, 1 failed", all.Output, StringComparison.Ordinal);
        Assert.True(good.ExitCode == 0, good.ToString());
    }

    [Fact]
    public async Task VerifyFindsACorruptedFileInAFolderStore()
    {
        var store = new FileSystemDocumentStore(_folder.File("docs"));
        await store.StoreAsync("doc", TextStates.Of("hello world"), Ct);
        var path = store.PathOf("doc");
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^20] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var verify = await AdminCli.RunAsync(_folder.Path, Ct, "verify", "doc", "--folder", "docs");

        Assert.True(verify.ExitCode == 1, verify.ToString());
        Assert.Contains("FAILED \"doc\"", verify.Output, StringComparison.Ordinal);
        Assert.Contains("unreadable", verify.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", verify.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
