using System.Diagnostics.Metrics;

namespace Collab.Persistence.Storage;

/// <summary>The Meter of <see cref="SqliteDocumentStore"/> (<c>Collab.Persistence.Sqlite</c>): its writer's commits and update log.</summary>
public static class SqliteTelemetry
{
    /// <summary>Name of the Meter.</summary>
    public const string Name = "Collab.Persistence.Sqlite";

    private static readonly Meter Meter = new(Name);

    /// <summary>How long the writer's transactions take (execute and commit, fsync included).</summary>
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>("collab.sqlite.commit.duration", "ms", "Duration of the SQLite writer's transactions");

    /// <summary>Writes per committed transaction (group commit).</summary>
    public static readonly Histogram<int> CommitEntries = Meter.CreateHistogram<int>("collab.sqlite.commit.entries", "{write}", "Writes committed together in one transaction");

    /// <summary>Updates appended to the update log.</summary>
    public static readonly Counter<long> Appends = Meter.CreateCounter<long>("collab.sqlite.log.appends", "{update}", "Updates appended to the update log");

    /// <summary>Times a covered log table was emptied (tag <c>moved</c>: uncovered entries had to be moved first).</summary>
    public static readonly Counter<long> LogTurns = Meter.CreateCounter<long>("collab.sqlite.log.turns", "{turn}", "Update log tables emptied");
}
