using Collab.Persistence.Storage;
using Collab.Tests.SyncServer.Extensions;
using Collab.Tests.SyncServer.Extensions.Sqlite;

namespace Collab.Tests.Persistence;

/// <summary>The shared store behaviours on <see cref="SqliteDocumentStore"/>.</summary>
public sealed class SqliteDocumentStoreContractTests : DocumentStoreContractTests
{
    private readonly TempFolder _folder = new();

    private string DatabasePath => _folder.File("collab.db");

    protected override Task<IDocumentStore> CreateStoreAsync() => Task.FromResult<IDocumentStore>(new SqliteDocumentStore(DatabasePath));

    protected override async Task CorruptAsync(IDocumentStore store, string documentName)
    {
        // the writer commits on its own thread; a load sees the row once StoreAsync returned
        await SqliteFiles.CorruptAsync(DatabasePath, documentName, Ct);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
