using System.Runtime.InteropServices;

namespace Collab.LoadGen.Measurement;

/// <summary>The few libc calls the generator needs: clock ticks, signals, the open-file limit.</summary>
internal static partial class Posix
{
    private const int ScClkTck = 2;
    private const int RlimitNoFile = 7;

    public static long ClockTicksPerSecond { get; } = ReadClockTicks();

    public static bool Terminate(int pid) => Kill(pid, 15) == 0;

    /// <summary>Raises the soft open-file limit to the hard limit (children started later inherit it).</summary>
    public static (ulong Soft, ulong Hard) RaiseOpenFileLimit()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNoFile, out var limit) != 0)
        {
            return (0, 0);
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetRLimit(RlimitNoFile, in raised) == 0)
            {
                limit = raised;
            }
        }

        return (limit.Current, limit.Maximum);
    }

    private static long ReadClockTicks()
    {
        var ticks = OperatingSystem.IsLinux() ? SysConf(ScClkTck) : 100;
        return ticks > 0 ? ticks : 100;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct RLimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);
}
