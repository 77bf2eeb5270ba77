using System.Text.Json;
using Collab.Persistence.Storage;
using Collab.Tests.SyncServer.Extensions;
using Collab.Yjs;

namespace Collab.Tests.PersistenceAdmin;

/// <summary>list, show, export and import through the built executable, from a SQLite store into a folder store.</summary>
public sealed class AdminRoundTripTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, byte[]> Documents = new(StringComparer.Ordinal)
    {
        ["alpha"] = AdminCli.RichState("hello", clientId: 1),
        ["notes/Ünïcode and spaces"] = AdminCli.RichState("héllo 🌟", clientId: 2),
        ["zeta"] = AdminCli.StateWithManyDeletions(200, 50),
    };

    [Fact]
    public async Task DocumentsExportedFromSqliteImportIntoAFolderStoreWithTheSameContent()
    {
        var sqlite = _folder.File("source.db");
        using (var source = new SqliteDocumentStore(sqlite))
        {
            await AdminCli.SeedAsync(source, Documents, Ct);
        }

        var list = await AdminCli.RunAsync(_folder.Path, Ct, "list", "--sqlite", "source.db", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var listed = JsonDocument.Parse(list.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(Documents.Keys.Order(StringComparer.Ordinal), listed.Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(Documents["alpha"].Length, listed[0].GetProperty("size").GetInt64());

        var export = await AdminCli.RunAsync(_folder.Path, Ct, "export", "--all", "--out", "exported", "--sqlite", "source.db");
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("exported 3 documents", export.Output, StringComparison.Ordinal);
        Assert.Contains("export: 3/3 documents", export.Output, StringComparison.Ordinal);
        var index = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(_folder.File("exported/index.json"), Ct))!;
        Assert.Equal(Documents.Keys.Order(StringComparer.Ordinal), index.Values.Order(StringComparer.Ordinal));
        Assert.All(index, entry => Assert.Equal(Documents[entry.Value], File.ReadAllBytes(Path.Combine(_folder.File("exported"), entry.Key))));

        var import = await AdminCli.RunAsync(_folder.Path, Ct, "import", "exported", "--folder", "target");
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("imported 3 documents", import.Output, StringComparison.Ordinal);
        var target = new FileSystemDocumentStore(_folder.File("target"));
        foreach (var (name, state) in Documents)
        {
            Assert.Equal(DocJson.Render(state), DocJson.Render((await target.LoadAsync(name, Ct))!));
        }

        var show = await AdminCli.RunAsync(_folder.Path, Ct, "show", "notes/Ünïcode and spaces", "--folder", "target");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal(DocJson.Render(Documents["notes/Ünïcode and spaces"]), show.Output.Trim());
        Assert.Contains("\"xml\":\"<paragraph>héllo 🌟</paragraph>\"", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneDocumentExportsToAFileThatImportsAgainWithoutLosingNewerContent()
    {
        using (var store = new SqliteDocumentStore(_folder.File("one.db")))
        {
            await store.StoreAsync("doc", AdminCli.RichState("first", clientId: 1), Ct);
        }

        var export = await AdminCli.RunAsync(_folder.Path, Ct, "export", "doc", "--out", "doc.yjs", "--sqlite", "one.db");
        Assert.True(export.ExitCode == 0, export.ToString());
        using (var store = new SqliteDocumentStore(_folder.File("one.db")))
        {
            // newer content from another client arrives after the export
            var doc = new Doc { ClientId = 5 };
            doc.ApplyUpdate((await store.LoadAsync("doc", Ct))!);
            doc.GetMap("map").Set("later", "kept");
            await store.StoreAsync("doc", doc.EncodeStateAsUpdate(), Ct);
        }

        var import = await AdminCli.RunAsync(_folder.Path, Ct, "import", "doc.yjs", "--name", "doc", "--sqlite", "one.db");
        Assert.True(import.ExitCode == 0, import.ToString());
        var text = await AdminCli.RunAsync(_folder.Path, Ct, "show", "doc", "--format", "text", "--sqlite", "one.db");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("== \"text\" (text)\nfirst", text.Output, StringComparison.Ordinal);
        Assert.Contains("\"later\":\"kept\"", text.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
