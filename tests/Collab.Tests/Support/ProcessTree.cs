namespace Collab.Tests.Support;

/// <summary>Linux process facts from /proc: children, environment, liveness.</summary>
internal static class ProcessTree
{
    /// <summary>Every process on the machine at this moment.</summary>
    public static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(name => int.TryParse(name, out var pid) ? pid : 0).Where(pid => pid > 0);

    /// <summary>The command line, arguments separated by spaces ("" once the process is gone).</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return "";
        }
    }

    /// <summary>Every process below <paramref name="pid"/> (children, their children…) at this moment.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var child in All())
        {
            if (ParentOf(child) is { } parent)
            {
                parents[child] = parent;
            }
        }

        var found = new List<int>();
        var frontier = new Queue<int>([pid]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var (child, parent) in parents)
            {
                if (parent == current)
                {
                    found.Add(child);
                    frontier.Enqueue(child);
                }
            }
        }

        return found;
    }

    /// <summary>The environment a process was started with.</summary>
    public static Dictionary<string, string> Environment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(group => group.Key, group => group.Last()[1]);

    /// <summary>The environment, or null when the process is gone.</summary>
    public static Dictionary<string, string>? TryEnvironment(int pid)
    {
        try
        {
            return Environment(pid);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or IOException or FormatException)
        {
            return null;
        }
    }
}
