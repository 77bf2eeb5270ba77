using System.Globalization;

namespace Collab.LoadGen.Measurement;

/// <summary>Latency per second of the measured window (by the second the insert was sent): shows stalls.</summary>
internal static class LatencyTimeline
{
    public static void Write(IEnumerable<DeliverySink> sinks, string server, TextWriter log)
    {
        var bySecond = new SortedDictionary<int, List<int>>();
        foreach (var sink in sinks)
        {
            for (var i = 0; i < sink.LatenciesMicroseconds.Count; i++)
            {
                if (!bySecond.TryGetValue(sink.SentSecond[i], out var samples))
                {
                    bySecond[sink.SentSecond[i]] = samples = [];
                }

                samples.Add(sink.LatenciesMicroseconds[i]);
            }
        }

        log.WriteLine($"{server}: latency by send second (p50 / p99 / max ms):");
        foreach (var (second, samples) in bySecond)
        {
            samples.Sort();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {second,4} s  {samples[samples.Count / 2] / 1000.0,9:0.0} {samples[Math.Min(samples.Count - 1, (int)(samples.Count * 0.99))] / 1000.0,9:0.0} {samples[^1] / 1000.0,9:0.0}  ({samples.Count})"));
        }
    }
}
