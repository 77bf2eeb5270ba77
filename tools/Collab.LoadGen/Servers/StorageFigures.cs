using Collab.LoadGen.Reports;
using Microsoft.Data.Sqlite;

namespace Collab.LoadGen.Servers;

/// <summary>
/// What a stopped Collab server left in its SQLite database: the file's size against the size of the documents'
/// states in it (how close the update log's compaction keeps the database to what it must hold), free pages, and log
/// entries left over. Read after a graceful stop, when the final stores are written.
/// </summary>
internal static class StorageFigures
{
    /// <summary>The database file and its WAL, in bytes (0 when there is none).</summary>
    public static long FileBytes(string databasePath) =>
        (File.Exists(databasePath) ? new FileInfo(databasePath).Length : 0) + (File.Exists(databasePath + "-wal") ? new FileInfo(databasePath + "-wal").Length : 0);

    /// <param name="result">Where the figures go.</param>
    /// <param name="databasePath">The stopped server's database.</param>
    /// <param name="runningBytes">The database and WAL size measured just before the stop.</param>
    /// <param name="log">Where a failure to read the database is reported.</param>
    public static void AddTo(ScenarioResult result, string databasePath, long runningBytes, TextWriter log)
    {
        if (!File.Exists(databasePath))
        {
            return;
        }

        try
        {
            var fileBytes = FileBytes(databasePath);
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            var (documents, stateBytes) = CountAndBytes(connection, "documents");
            var (logEntries, _) = CountAndBytes(connection, "document_log");
            var freeBytes = Scalar(connection, "PRAGMA freelist_count") * Scalar(connection, "PRAGMA page_size");
            result
                .Add("stored documents", documents, "0")
                .Add("document states (MiB)", stateBytes / 1048576.0, "0.00")
                .Add("database + WAL before the stop (MiB)", runningBytes / 1048576.0, "0.00")
                .Add("database file after the stop (MiB)", fileBytes / 1048576.0, "0.00")
                .Add("of which free pages (MiB)", freeBytes / 1048576.0, "0.00")
                .Add("database after the stop ÷ states", stateBytes > 0 ? (double)fileBytes / stateBytes : null, "0.00")
                .Add("update log entries left", logEntries, "0");
        }
        catch (SqliteException e)
        {
            log.WriteLine($"{result.Server}: could not read {databasePath}: {e.Message}");
        }
    }

    private static (long Count, long Bytes) CountAndBytes(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*), coalesce(sum(length(data)), 0) FROM {table}";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
