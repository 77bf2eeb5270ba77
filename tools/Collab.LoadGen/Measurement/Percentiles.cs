namespace Collab.LoadGen.Measurement;

/// <summary>Nearest-rank percentiles over all latency samples of a run, in milliseconds.</summary>
internal sealed class Percentiles
{
    private readonly int[] _sorted;

    public Percentiles(IEnumerable<IReadOnlyList<int>> sampleSets)
    {
        var all = new List<int>();
        foreach (var set in sampleSets)
        {
            all.AddRange(set);
        }

        _sorted = [.. all];
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    public double? Milliseconds(double percentile)
    {
        if (_sorted.Length == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)] / 1000.0;
    }

    public double? MaxMilliseconds => _sorted.Length == 0 ? null : _sorted[^1] / 1000.0;
}
