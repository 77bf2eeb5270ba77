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

    /// <summary>Database file, relative to the content root unless absolute. Default <c>data/collab.db</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data/collab.db";
}
