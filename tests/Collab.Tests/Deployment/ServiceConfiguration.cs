using System.Collections;
using System.Reflection;
using Collab.Persistence.Storage;
using Collab.Persistence.Worker;
using Collab.SyncServer;
using Collab.SyncServer.Api;
using Collab.SyncServer.Auth;
using Collab.SyncServer.Editor;
using Collab.SyncServer.Extensions.Logger;
using Collab.SyncServer.Extensions.Sqlite;
using Collab.SyncServer.Extensions.Throttle;
using Collab.SyncServer.Extensions.Webhook;
using Collab.SyncServer.Extensions.Worker;
using Collab.SyncServer.Relay;

namespace Collab.Tests.Deployment;

/// <summary>
/// Which environment variables the two services read: <c>Collab__{Section}__…</c> walked through the options classes they
/// bind (so a misspelt or removed setting in a deployment file fails a test), and the connection strings they look up.
/// </summary>
internal static class ServiceConfiguration
{
    private static readonly Dictionary<string, Dictionary<string, Type>> Sections = new(StringComparer.Ordinal)
    {
        ["syncserver"] = Index(typeof(SyncServerOptions), typeof(ApiOptions), typeof(SqliteOptions), typeof(WebhookOptions), typeof(LoggerOptions),
            typeof(ThrottleOptions), typeof(PersistenceClientOptions), typeof(AuthOptions), typeof(EditorOptions), typeof(RelayOptions), typeof(StorageOptions)),
        ["persistence"] = Index(typeof(PersistenceWorkerOptions), typeof(StorageOptions)),
    };

    private static readonly Dictionary<string, string[]> ConnectionStrings = new(StringComparer.Ordinal)
    {
        ["syncserver"] = ["kafka", "redis"],
        ["persistence"] = ["kafka"],
    };

    /// <summary>The services whose variables are known.</summary>
    public static IEnumerable<string> Services => Sections.Keys;

    /// <summary>Why <paramref name="service"/> would not read <paramref name="variable"/>, or null when it does (or the variable is not Collab's).</summary>
    public static string? Problem(string service, string variable)
    {
        var parts = variable.Split("__");
        if (parts[0] == "ConnectionStrings")
        {
            return parts.Length == 2 && ConnectionStrings[service].Contains(parts[1], StringComparer.Ordinal)
                ? null
                : $"{service} looks up no connection string '{string.Join("__", parts.Skip(1))}' ({variable})";
        }

        if (parts[0] != "Collab")
        {
            return null;
        }

        if (parts.Length < 3 || !Sections[service].TryGetValue(parts[1], out var type))
        {
            return $"{service} binds no section Collab:{(parts.Length > 1 ? parts[1] : "")} ({variable})";
        }

        foreach (var name in parts.Skip(2))
        {
            if (typeof(IDictionary).IsAssignableFrom(type))
            {
                return null;
            }

            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return $"{type.Name} has no setting '{name}' ({variable})";
            }

            type = property.PropertyType;
        }

        return IsLeaf(type) || typeof(IDictionary).IsAssignableFrom(type) ? null : $"{variable} names the section {type.Name}, not a setting";
    }

    private static bool IsLeaf(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        return inner.IsPrimitive || inner.IsEnum || inner == typeof(string) || inner == typeof(TimeSpan) || inner == typeof(Uri) || inner == typeof(decimal) || inner.IsArray;
    }

    private static Dictionary<string, Type> Index(params Type[] options) => options.ToDictionary(
        type => ((string)type.GetField("SectionName")!.GetValue(null)!).Split(':')[1],
        type => type,
        StringComparer.Ordinal);
}
