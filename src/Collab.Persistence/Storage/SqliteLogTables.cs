using Microsoft.Data.Sqlite;

namespace Collab.Persistence.Storage;

/// <summary>
/// The update log of <see cref="SqliteDocumentStore"/> as two tables that take turns (owned by the writer thread).
/// Appends go to the current table; the other one ("old") takes none and waits until the stores have covered every
/// entry in it, and is then emptied with one <c>DELETE</c> without a <c>WHERE</c> (SQLite frees its pages without
/// visiting rows) and becomes the current table. Deleting covered entries row by row cost a scan of the whole log
/// and a write of every page it touched, every second, on the writer thread that the acknowledgements wait for.
/// </summary>
/// <remarks>
/// What is covered is known in memory: per table, the highest sequence appended per document that no committed store
/// has covered yet. The maps are built from the database when the writer first opens it (entries left by an earlier
/// process), and then follow the writer's own commits. An entry whose document is never stored again (its final store
/// keeps failing) would hold the old table forever: after <see cref="StaleAfter"/> the uncovered entries are copied
/// into the current table and the old one is emptied anyway.
/// </remarks>
internal sealed class SqliteLogTables
{
    /// <summary>The two tables (the first is the log's original table, so existing databases keep their entries).</summary>
    public static readonly string[] Names = ["document_updates", "document_updates_1"];

    /// <summary>How long the old table may wait for stores before its uncovered entries are moved to the current table.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, long>[] _uncovered = [new(StringComparer.Ordinal), new(StringComparer.Ordinal)];
    private readonly bool[] _hasRows = [true, true];
    private int _current;
    private long _oldSince = Environment.TickCount64;

    /// <summary>False until <see cref="Load"/> read the tables' state from the database.</summary>
    public bool Loaded { get; private set; }

    /// <summary>Whether either table may hold rows.</summary>
    public bool HasRows => _hasRows[0] || _hasRows[1];

    /// <summary>The table appends go to.</summary>
    public int Current => _current;

    /// <summary>Reads which entries of each table no store covers yet (entries an earlier process left).</summary>
    public void Load(SqliteConnection connection)
    {
        for (var table = 0; table < Names.Length; table++)
        {
            _uncovered[table].Clear();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT u.name, max(u.sequence) FROM {Names[table]} u LEFT JOIN documents d ON d.name = u.name
                WHERE u.sequence > coalesce(d.log_sequence, -1) GROUP BY u.name
                """;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    _uncovered[table][reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            using var exists = connection.CreateCommand();
            exists.CommandText = $"SELECT EXISTS (SELECT 1 FROM {Names[table]})";
            _hasRows[table] = (long)exists.ExecuteScalar()! != 0;
        }

        // append to a table without rows if there is one; otherwise to the one with more uncovered entries, so that
        // the other, nearer to covered, is emptied first
        _current = !_hasRows[0] ? 0 : !_hasRows[1] ? 1 : _uncovered[0].Count > _uncovered[1].Count ? 0 : 1;

        _oldSince = Environment.TickCount64;
        Loaded = true;
    }

    /// <summary>An append of <paramref name="name"/> at <paramref name="sequence"/> committed to the current table.</summary>
    public void Appended(string name, long sequence)
    {
        var uncovered = _uncovered[_current];
        if (!uncovered.TryGetValue(name, out var highest) || highest < sequence)
        {
            uncovered[name] = sequence;
        }

        _hasRows[_current] = true;
    }

    /// <summary>A store of <paramref name="name"/> covering every change up to <paramref name="sequence"/> committed.</summary>
    public void Covered(string name, long sequence)
    {
        foreach (var uncovered in _uncovered)
        {
            if (uncovered.TryGetValue(name, out var highest) && highest <= sequence)
            {
                uncovered.Remove(name);
            }
        }
    }

    /// <summary>The document was deleted, with its entries in both tables.</summary>
    public void Forgotten(string name)
    {
        foreach (var uncovered in _uncovered)
        {
            uncovered.Remove(name);
        }
    }

    /// <summary>
    /// Empties the old table when the stores covered it (or moves what they did not after <see cref="StaleAfter"/>) and
    /// turns the tables; in one transaction on the writer's connection. False when there was nothing to do.
    /// </summary>
    public bool Turn(SqliteConnection connection)
    {
        var old = 1 - _current;
        if (_hasRows[old])
        {
            var stale = Environment.TickCount64 - _oldSince >= (long)StaleAfter.TotalMilliseconds;
            if (_uncovered[old].Count > 0 && !stale)
            {
                return false;
            }

            using var transaction = connection.BeginTransaction(deferred: false);
            if (_uncovered[old].Count > 0)
            {
                Execute(connection, transaction, $"""
                    INSERT INTO {Names[_current]} (name, sequence, data)
                    SELECT u.name, u.sequence, u.data FROM {Names[old]} u
                    WHERE u.sequence > coalesce((SELECT log_sequence FROM documents d WHERE d.name = u.name), -1)
                    ORDER BY u.id
                    """);
            }

            Execute(connection, transaction, $"DELETE FROM {Names[old]}");
            transaction.Commit();
            SqliteTelemetry.LogTurns.Add(1, new KeyValuePair<string, object?>("moved", _uncovered[old].Count > 0));
            foreach (var (name, sequence) in _uncovered[old])
            {
                var current = _uncovered[_current];
                current[name] = current.TryGetValue(name, out var highest) ? Math.Max(highest, sequence) : sequence;
                _hasRows[_current] = true;
            }

            _uncovered[old].Clear();
            _hasRows[old] = false;
        }
        else if (!_hasRows[_current])
        {
            return false;
        }

        // the empty table takes the appends from now on; the current one waits for its stores
        _current = old;
        _oldSince = Environment.TickCount64;
        return true;
    }

    /// <summary>Empties every table the stores covered entirely (at a clean shutdown, after the final stores).</summary>
    public void EmptyCovered(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var emptied = new List<int>();
        for (var table = 0; table < Names.Length; table++)
        {
            if (_hasRows[table] && _uncovered[table].Count == 0)
            {
                Execute(connection, transaction, $"DELETE FROM {Names[table]}");
                emptied.Add(table);
            }
        }

        transaction.Commit();
        foreach (var table in emptied)
        {
            _hasRows[table] = false;
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
