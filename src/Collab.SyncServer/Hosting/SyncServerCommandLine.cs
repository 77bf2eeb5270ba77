using System.Globalization;

namespace Collab.SyncServer.Hosting;

/// <summary>
/// The command-line flags of the sync server, mapped onto configuration keys (so appsettings, environment
/// variables and flags all land in the same validated options). Durations are milliseconds, like the
/// Hocuspocus CLI.
/// </summary>
public static class SyncServerCommandLine
{
    private const string Section = SyncServerOptions.SectionName + ":";

    /// <summary>Flag → configuration key (values in milliseconds are converted to TimeSpan text).</summary>
    private static readonly Dictionary<string, (string Key, bool Milliseconds)> Flags = new(StringComparer.Ordinal)
    {
        ["--timeout"] = (Section + nameof(SyncServerOptions.Timeout), true),
        ["--debounce"] = (Section + nameof(SyncServerOptions.Debounce), true),
        ["--max-debounce"] = (Section + nameof(SyncServerOptions.MaxDebounce), true),
        ["--logged-max-debounce"] = (Section + nameof(SyncServerOptions.LoggedMaxDebounce), true),
        ["--name"] = (Section + nameof(SyncServerOptions.Name), false),
        ["--path"] = (Section + nameof(SyncServerOptions.Path), false),
        ["--yws-path"] = (Section + nameof(SyncServerOptions.YWebsocketPath), false),
        ["--durability"] = (Section + nameof(SyncServerOptions.Durability), false),
        ["--flush-delay"] = (Section + nameof(SyncServerOptions.FlushDelay), true),
        ["--echo-delay"] = (Section + nameof(SyncServerOptions.EchoDelay), true),
        ["--max-message-bytes"] = (Section + nameof(SyncServerOptions.MaxMessageBytes), false),
        // the seed's Kafka flags, and Hypha's --kafka-uri; the relay reads Collab:Relay
        ["--kafka-brokers"] = (Relay + "Kafka:BootstrapServers", false),
        ["--kafka-uri"] = (Relay + "Kafka:BootstrapServers", false),
        ["--kafka-prefix"] = (Relay + "Prefix", false),
        ["--kafka-group"] = (Relay + "GroupIdBase", false),
        ["--kafka-id"] = (Relay + "Identifier", false),
        ["--kafka-disconnect-delay"] = (Relay + "DisconnectDelay", true),
        ["--kafka-lock-timeout"] = (Relay + "LockTimeout", true),
        ["--redis"] = (Relay + "Redis:Configuration", false),
    };

    private const string Relay = "Collab:Relay:";

    /// <summary>The configuration key of <c>--sqlite [file]</c> (read by the persistence feature).</summary>
    public const string SqliteKey = "Collab:Persistence:Sqlite";

    private const string ReloadKey = "hostBuilder:reloadConfigOnChange";

    /// <summary>
    /// The host arguments for <c>WebApplication.CreateBuilder</c>: <paramref name="args"/>, plus configuration reload
    /// switched off unless the command line or <c>DOTNET_hostBuilder__reloadConfigOnChange</c> asks for it. The
    /// content root holds the SQLite database by default (<c>data/collab.db</c>), and the watcher behind
    /// <c>appsettings.json</c> reloading watches the whole content root: it would wake on every database write.
    /// </summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="environment">Environment lookup (the process environment when null).</param>
    /// <returns>The arguments to build the host with.</returns>
    public static string[] HostArguments(string[] args, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        environment ??= Environment.GetEnvironmentVariable;
        var asked = environment("DOTNET_hostBuilder__reloadConfigOnChange") is not null
            || args.Any(a => a.TrimStart('-', '/').StartsWith(ReloadKey, StringComparison.OrdinalIgnoreCase));
        return asked ? args : [.. args, $"--{ReloadKey}=false"];
    }

    /// <summary>Translates the known flags; unknown arguments are left to the standard command-line provider.</summary>
    /// <param name="args">The process arguments.</param>
    /// <returns>Configuration values.</returns>
    /// <exception cref="FormatException">A flag lacks its value or a number is malformed.</exception>
    public static Dictionary<string, string?> Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var (flag, inline) = Split(args[i]);
            string? Next() => inline ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null);
            switch (flag)
            {
                case "--port" or "-p":
                    var port = Next() ?? throw new FormatException("--port needs a value");
                    values["urls"] = $"http://localhost:{int.Parse(port, CultureInfo.InvariantCulture)}";
                    break;
                case "--kafka":
                    values[Relay + "Transport"] = "kafka";
                    break;
                case "--sqlite" or "-s":
                    // an optional file: without one the persistence feature picks its default
                    values[SqliteKey] = Next() ?? "";
                    break;
                default:
                    if (Flags.TryGetValue(flag, out var target))
                    {
                        var value = Next() ?? throw new FormatException($"{flag} needs a value");
                        values[target.Key] = target.Milliseconds
                            ? TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture)
                            : value;
                    }

                    break;
            }
        }

        return values;
    }

    private static (string Flag, string? Value) Split(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith('-') && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }
}
