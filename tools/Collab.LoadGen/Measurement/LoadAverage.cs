namespace Collab.LoadGen.Measurement;

/// <summary>The machine's 1-minute load average: other work competes with the servers and the generator.</summary>
internal static class LoadAverage
{
    public static string Read()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
