using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Collab.Relay.Kafka;

/// <summary>
/// Makes Confluent.Kafka use the librdkafka that ships with it (the librdkafka.redist package, copied into the
/// application's <c>runtimes/{rid}/native</c> folder or, when published for one platform, beside the application).
/// Left to itself the loader can pick up an operating-system librdkafka first (Debian's <c>librdkafka1</c> is older and
/// lacks functions the managed client calls), so the bundled file is loaded by its full path before any client is built.
/// On Linux the package carries two glibc builds: <c>librdkafka.so</c>, linked against the system's SASL library under
/// its Red Hat name (<c>libsasl2.so.3</c>, which Debian does not have), and <c>centos8-librdkafka.so</c>, which needs
/// nothing beyond glibc; the first that loads is used.
/// </summary>
public static class KafkaNativeLibrary
{
    private static readonly Lock Gate = new();
    private static string? _loadedPath;
    private static nint _handle;

    /// <summary>The file librdkafka was loaded from, or null before <see cref="EnsureLoaded"/>.</summary>
    public static string? LoadedPath => _loadedPath;

    /// <summary>The native handle of the loaded librdkafka (for direct calls into its C API, e.g. the mock cluster).</summary>
    /// <exception cref="InvalidOperationException">Thrown before <see cref="EnsureLoaded"/> succeeded.</exception>
    public static nint Handle => _handle != 0
        ? _handle
        : throw new InvalidOperationException("librdkafka is not loaded yet; call KafkaNativeLibrary.EnsureLoaded() first.");

    /// <summary>Loads the bundled librdkafka once per process (later calls return at once).</summary>
    /// <returns>The loaded librdkafka's version string, for example "2.16.0".</returns>
    /// <exception cref="DllNotFoundException">The application ships no librdkafka for this platform.</exception>
    public static string EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loadedPath is null)
            {
                var (path, handle) = LoadBundled();
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
    /// Confluent.Kafka's Linux loader imports its functions from "librdkafka" (which the runtime could resolve to an
    /// operating-system copy) and <c>dlopen</c> from "libdl" (a name only the -dev package provides; glibc 2.34 and later
    /// have it in libc). Both are routed: the first to the bundled library, the second to a library that exists.
    /// </summary>
    private static void RouteConfluentImports()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, static (name, _, _) => name switch
        {
            "librdkafka" => _handle,
            "libdl" => NativeLibrary.TryLoad("libdl.so.2", out var dl) || NativeLibrary.TryLoad("libc.so.6", out dl) ? dl : 0,
            _ => 0,
        });
    }

    /// <summary>The bundled librdkafka files of this platform, in the order they are tried.</summary>
    /// <param name="baseDirectory">The application's folder.</param>
    /// <returns>Full paths, existing or not.</returns>
    public static IReadOnlyList<string> Candidates(string baseDirectory)
    {
        var (os, files) = OperatingSystem.IsWindows() ? ("win", new[] { "librdkafka.dll" })
            : OperatingSystem.IsMacOS() ? ("osx", ["librdkafka.dylib"])
            : ("linux", ["librdkafka.so", "centos8-librdkafka.so"]);
        var native = Path.Combine(baseDirectory, "runtimes", $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}", "native");
        return [.. files.Select(file => Path.Combine(native, file)), .. files.Select(file => Path.Combine(baseDirectory, file))];
    }

    private static (string Path, nint Handle) LoadBundled()
    {
        var candidates = Candidates(AppContext.BaseDirectory);
        var failures = new List<string>();
        foreach (var candidate in candidates.Where(File.Exists))
        {
            try
            {
                return (candidate, NativeLibrary.Load(candidate));
            }
            catch (DllNotFoundException error)
            {
                failures.Add(error.Message);
            }
        }

        throw new DllNotFoundException(
            "The librdkafka that comes with Confluent.Kafka (package librdkafka.redist) could not be loaded from the application's folder; tried "
            + string.Join(", ", candidates) + (failures.Count > 0 ? ": " + string.Join(" | ", failures) : " (none exists)")
            + ". Build or publish the application with its NuGet dependencies, for a platform librdkafka.redist supports.");
    }
}
