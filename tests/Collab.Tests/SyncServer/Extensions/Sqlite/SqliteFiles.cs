using Microsoft.Data.Sqlite;

namespace Collab.Tests.SyncServer.Extensions.Sqlite;

/// <summary>Direct access to a store's database file, for tests that alter it behind the store's back.</summary>
internal static class SqliteFiles
{
    /// <summary>Runs one SQL statement on the file (own connection, no pooling).</summary>
    public static async Task ExecuteAsync(string path, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Overwrites the stored data of <paramref name="name"/> with bytes that are no Yjs update.</summary>
    public static Task CorruptAsync(string path, string name, CancellationToken ct) =>
        ExecuteAsync(path, $"UPDATE documents SET data = x'0001020304' WHERE name = '{name}'", ct);
}
