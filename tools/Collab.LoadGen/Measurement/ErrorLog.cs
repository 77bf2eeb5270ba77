using System.Collections.Concurrent;

namespace Collab.LoadGen.Measurement;

/// <summary>Errors by kind (connect failures, closes with their codes, timeouts, in-band closes …).</summary>
internal sealed class ErrorLog
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Add(string kind, long count = 1)
    {
        if (count <= 0)
        {
            return;
        }

        _counts.AddOrUpdate(kind, count, (_, current) => current + count);
        Interlocked.Add(ref _total, count);
    }

    public IReadOnlyList<KeyValuePair<string, long>> Snapshot() =>
        [.. _counts.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal)];

    public string Summary()
    {
        var snapshot = Snapshot();
        return snapshot.Count == 0 ? "none" : string.Join("; ", snapshot.Select(pair => $"{pair.Key} ×{pair.Value}"));
    }
}
