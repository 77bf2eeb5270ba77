using System.ComponentModel.DataAnnotations;

namespace Collab.SyncServer.Extensions.Sqlite;

/// <summary>
/// Embedded SQLite persistence, bound from <c>Collab:Sqlite</c> (on by default). The flag <c>--sqlite [file]</c>
/// chooses the file too.
/// </summary>
public sealed class SqliteOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Sqlite";

    /// <summary>Load and store documents in SQLite. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Database file, relative to the content root unless absolute. Default <c>data/collab.db</c>. A <c>{slot}</c> in it
    /// is replaced by the lowest number no other running process holds, so replicas started with one configuration keep
    /// one database each (e.g. <c>data/syncserver-{slot}/collab.db</c>).
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data/collab.db";

    /// <summary>
    /// SQLite's <c>synchronous</c> setting of the writes. <c>true</c> (FULL, the default): a commit is on disk when it
    /// returns, so a saved edit survives a power loss or a kernel crash. <c>false</c> (NORMAL, in WAL mode): a commit
    /// survives the process being killed but not the machine losing power; commits do not wait for the disk.
    /// </summary>
    public bool SynchronousFull { get; set; } = true;
}
