using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Collab.Relay.Kafka;

/// <summary>
/// Loads the operating system's librdkafka for Confluent.Kafka. The librdkafka.redist package (which normally
/// carries the native library) cannot be restored on our build machines, so Collab references the managed
/// Confluent.Kafka assembly alone (see build/Confluent.Kafka.targets) and loads the native library here,
/// failing with a message that names what to install when it is missing.
/// </summary>
public static class KafkaNativeLibrary
{
    /// <summary>Environment variable that names the librdkafka file to load, overriding the search.</summary>
    public const string PathVariable = "COLLAB_LIBRDKAFKA_PATH";

    private static readonly Lock Gate = new();
    private static string? _loadedPath;
    private static nint _handle;

    /// <summary>The library names tried, in order, when <see cref="PathVariable"/> is not set.</summary>
    public static IReadOnlyList<string> DefaultCandidates { get; } = OperatingSystem.IsMacOS()
        ? ["librdkafka.1.dylib", "librdkafka.dylib", "/opt/homebrew/lib/librdkafka.dylib", "/usr/local/lib/librdkafka.dylib"]
        : OperatingSystem.IsWindows()
            ? ["librdkafka.dll"]
            : ["librdkafka.so.1", "librdkafka.so", "/usr/lib/x86_64-linux-gnu/librdkafka.so.1", "/usr/lib/aarch64-linux-gnu/librdkafka.so.1", "/usr/local/lib/librdkafka.so.1"];

    /// <summary>The path or name librdkafka was loaded from, or null before <see cref="EnsureLoaded"/>.</summary>
    public static string? LoadedPath => _loadedPath;

    /// <summary>The native handle of the loaded librdkafka (for direct calls into its C API).</summary>
    /// <exception cref="InvalidOperationException">Thrown before <see cref="EnsureLoaded"/> succeeded.</exception>
    public static nint Handle => _handle != 0
        ? _handle
        : throw new InvalidOperationException("librdkafka is not loaded yet; call KafkaNativeLibrary.EnsureLoaded() first.");

    /// <summary>
    /// Loads librdkafka once per process (later calls return at once) and hands it to Confluent.Kafka.
    /// </summary>
    /// <returns>The librdkafka version string, for example "2.0.2".</returns>
    /// <exception cref="KafkaNativeLibraryNotFoundException">No candidate could be loaded.</exception>
    public static string EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loadedPath is null)
            {
                var overridePath = Environment.GetEnvironmentVariable(PathVariable);
                var candidates = string.IsNullOrWhiteSpace(overridePath) ? DefaultCandidates : [overridePath];
                var (path, handle) = Locate(candidates);
                _handle = handle;
                RouteConfluentImports();
                if (!Library.IsLoaded)
                {
                    Library.Load(path);
                }

                _loadedPath = path;
            }

            return Library.VersionString;
        }
    }

    /// <summary>
    /// Confluent.Kafka's Linux loader imports <c>dlopen</c> from "libdl" (only the -dev symlink name, absent on
    /// most machines; glibc 2.34+ has it in libc) and its functions from "librdkafka" (absent when only the
    /// runtime package librdkafka1 is installed). Both names are routed to libraries that exist.
    /// </summary>
    private static void RouteConfluentImports()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, static (name, assembly, searchPath) => name switch
        {
            "librdkafka" => _handle,
            "libdl" => NativeLibrary.TryLoad("libdl.so.2", out var dl) || NativeLibrary.TryLoad("libc.so.6", out dl) ? dl : 0,
            _ => 0,
        });
    }

    /// <summary>Tries each candidate in order and returns the first that the OS loader accepts.</summary>
    /// <param name="candidates">File names (searched the usual way) or paths.</param>
    /// <returns>The candidate that loaded and its native handle.</returns>
    /// <exception cref="KafkaNativeLibraryNotFoundException">None of them loads.</exception>
    public static (string Path, nint Handle) Locate(IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return (candidate, handle);
            }
        }

        throw new KafkaNativeLibraryNotFoundException(candidates);
    }
}
