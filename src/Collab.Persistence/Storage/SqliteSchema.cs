using Microsoft.Data.Sqlite;

namespace Collab.Persistence.Storage;

/// <summary>
/// The schema of <see cref="SqliteDocumentStore"/>: WAL journal, the Hocuspocus-compatible <c>documents</c> table
/// plus the columns this store adds (<c>updated_at</c> in Unix milliseconds, <c>checksum</c> = SHA-256 of <c>data</c>),
/// <c>log_sequence</c> (the document's change sequence its state covers), and the update log: two tables
/// <c>document_updates</c> and <c>document_updates_1</c> of <c>(id, name, sequence, data)</c> that take turns
/// (<see cref="SqliteLogTables"/>), read together through the view <c>document_log(name, sequence, data)</c>.
/// </summary>
internal static class SqliteSchema
{
    public static async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // A new file keeps its free pages apart so that they can be handed back (PRAGMA incremental_vacuum, SqliteWriter:
        // once the stores covered the whole log, and at a clean stop): the update log's tables free what they held each
        // time they are emptied, and the log is longer between the stores of busy documents under LoggedMaxDebounce.
        // Only takes effect before the first table is created: a file made earlier keeps its mode (a VACUUM after
        // setting it converts it).
        await ExecuteAsync(connection, "PRAGMA auto_vacuum = INCREMENTAL", cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL";
            var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite database {connection.DataSource} could not switch to WAL mode (journal mode is {mode}).");
            }
        }

        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS documents (
                name TEXT NOT NULL,
                data BLOB NOT NULL,
                updated_at INTEGER NOT NULL DEFAULT 0,
                checksum BLOB NULL,
                UNIQUE(name)
            )
            """, cancellationToken);

        // The update log: updates acknowledged before the next full store of their document, in two tables that take
        // turns (SqliteLogTables). Append-only: an index on the name would turn each batch of appends into a write at as
        // many index pages as it has documents. What a store covers is documents.log_sequence.
        foreach (var table in SqliteLogTables.Names)
        {
            await ExecuteAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {table} (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    data BLOB NOT NULL
                )
                """, cancellationToken);
        }

        await ExecuteAsync(connection, "DROP INDEX IF EXISTS document_updates_name", cancellationToken);
        // both tables as one, for reading (loads, counts, tools)
        await ExecuteAsync(connection, $"""
            CREATE VIEW IF NOT EXISTS document_log AS
            {string.Join(" UNION ALL ", SqliteLogTables.Names.Select(t => $"SELECT name, sequence, data FROM {t}"))}
            """, cancellationToken);

        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var info = connection.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('documents')";
            await using var reader = await info.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                columns.Add(reader.GetString(0));
            }
        }

        if (!columns.Contains("updated_at"))
        {
            await ExecuteAsync(connection, "ALTER TABLE documents ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0", cancellationToken);
        }

        if (!columns.Contains("checksum"))
        {
            await ExecuteAsync(connection, "ALTER TABLE documents ADD COLUMN checksum BLOB NULL", cancellationToken);
        }

        if (!columns.Contains("log_sequence"))
        {
            await ExecuteAsync(connection, "ALTER TABLE documents ADD COLUMN log_sequence INTEGER NOT NULL DEFAULT 0", cancellationToken);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
