using System.Text;

namespace Collab.Relay.Kafka;

/// <summary>
/// What a Kafka connection string (<c>ConnectionStrings:kafka</c>, <c>--kafka-brokers</c>, <c>KAFKA_BROKERS</c>…) says:
/// the bootstrap servers and any librdkafka properties it carries. Shared by the SyncServer's relay and the persistence
/// worker, so one string configures both.
/// </summary>
/// <param name="BootstrapServers">Comma-separated <c>host:port</c> list (librdkafka's <c>bootstrap.servers</c>).</param>
/// <param name="Settings">The other librdkafka properties (security, SASL, TLS…); empty for a plain broker list.</param>
public sealed record KafkaConnectionString(string BootstrapServers, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The key that names the brokers in the <c>key=value</c> form.</summary>
    public const string BootstrapServersKey = "bootstrap.servers";

    /// <summary>
    /// Reads a connection string in one of three forms:
    /// <list type="bullet">
    /// <item>a broker list, <c>host:port,host:port</c> (a <c>scheme://</c> before a broker, as in Hypha's <c>--kafka-uri</c>, is dropped);</item>
    /// <item>librdkafka properties, <c>bootstrap.servers=host:port;security.protocol=SASL_SSL;sasl.mechanism=PLAIN;sasl.username=…;sasl.password=…</c>,
    /// where a value holding <c>;</c> is quoted with <c>"</c> or <c>'</c> (the quote doubled inside);</item>
    /// <item>an Azure Event Hubs connection string, <c>Endpoint=sb://NAMESPACE.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…</c>:
    /// its Kafka endpoint (<c>NAMESPACE.servicebus.windows.net:9093</c>) with SASL_SSL, PLAIN, <c>$ConnectionString</c> and the string itself as the password.</item>
    /// </list>
    /// </summary>
    /// <param name="value">The connection string.</param>
    /// <returns>The brokers and properties.</returns>
    /// <exception cref="FormatException">The string is empty or malformed; the message says where, without echoing secrets.</exception>
    public static KafkaConnectionString Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (text.Length == 0)
        {
            throw new FormatException("The Kafka connection string is empty.");
        }

        if (!text.Contains('='))
        {
            return new KafkaConnectionString(Brokers(text), new Dictionary<string, string>(StringComparer.Ordinal));
        }

        var pairs = Pairs(text);
        if (pairs.TryGetValue("Endpoint", out var endpoint) && endpoint.StartsWith("sb://", StringComparison.OrdinalIgnoreCase))
        {
            return EventHubs(text, endpoint, pairs);
        }

        if (!pairs.Remove(BootstrapServersKey, out var servers) || string.IsNullOrWhiteSpace(servers))
        {
            throw new FormatException(
                $"The Kafka connection string has key=value properties but no '{BootstrapServersKey}' (keys found: {string.Join(", ", pairs.Keys)}); " +
                "write 'bootstrap.servers=host:port;security.protocol=SASL_SSL;…' or a plain 'host:port,host:port' list.");
        }

        return new KafkaConnectionString(Brokers(servers), pairs);
    }

    /// <summary>
    /// Copies <see cref="Settings"/> into <paramref name="target"/> where it has no value for the key yet, so properties
    /// configured explicitly (<c>Collab:Relay:Kafka:Settings</c>, <c>Collab:Persistence:Settings</c>) win over the string's.
    /// </summary>
    /// <param name="target">The configured librdkafka properties.</param>
    public void AddSettingsTo(IDictionary<string, string> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        foreach (var (key, setting) in Settings)
        {
            target.TryAdd(key, setting);
        }
    }

    private static string Brokers(string list)
    {
        var brokers = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(b => b.Contains("://", StringComparison.Ordinal) ? b[(b.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/') : b)
            .ToList();
        if (brokers.Count == 0)
        {
            throw new FormatException("The Kafka connection string names no broker.");
        }

        foreach (var broker in brokers)
        {
            if (broker.Length == 0 || broker.Any(c => char.IsWhiteSpace(c) || c is ';' or '=' or '"' or '\''))
            {
                throw new FormatException($"The Kafka connection string has a malformed broker address '{broker}' (expected host:port).");
            }
        }

        return string.Join(',', brokers);
    }

    private static KafkaConnectionString EventHubs(string text, string endpoint, Dictionary<string, string> pairs)
    {
        if (!pairs.ContainsKey("SharedAccessKeyName") || !pairs.ContainsKey("SharedAccessKey"))
        {
            throw new FormatException("The Kafka connection string looks like an Azure Event Hubs one (Endpoint=sb://…) but lacks SharedAccessKeyName or SharedAccessKey.");
        }

        var host = endpoint["sb://".Length..].TrimEnd('/');
        if (host.Length == 0 || host.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException("The Azure Event Hubs connection string's Endpoint is not sb://NAMESPACE.servicebus.windows.net/.");
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["security.protocol"] = "SASL_SSL",
            ["sasl.mechanism"] = "PLAIN",
            ["sasl.username"] = "$ConnectionString",
            ["sasl.password"] = text,
        };
        return new KafkaConnectionString(host.Contains(':', StringComparison.Ordinal) ? host : host + ":9093", settings);
    }

    /// <summary><c>key=value</c> pairs separated by <c>;</c>; a value may be quoted with " or ' (doubled inside).</summary>
    private static Dictionary<string, string> Pairs(string text)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 0;
        var index = 0;
        while (position < text.Length)
        {
            index++;
            var equals = text.IndexOf('=', position);
            var semicolon = text.IndexOf(';', position);
            if (semicolon >= 0 && (equals < 0 || semicolon < equals))
            {
                if (text[position..semicolon].Trim().Length > 0)
                {
                    throw new FormatException($"The Kafka connection string's part {index} ('{text[position..semicolon].Trim()}') is not key=value.");
                }

                position = semicolon + 1;
                continue;
            }

            if (equals < 0)
            {
                throw new FormatException($"The Kafka connection string's part {index} ('{text[position..].Trim()}') is not key=value.");
            }

            var key = text[position..equals].Trim();
            if (key.Length == 0)
            {
                throw new FormatException($"The Kafka connection string's part {index} has no key before '='.");
            }

            position = equals + 1;
            while (position < text.Length && text[position] == ' ')
            {
                position++;
            }

            string setting;
            if (position < text.Length && text[position] is '"' or '\'')
            {
                (setting, position) = Quoted(text, position, key);
                while (position < text.Length && char.IsWhiteSpace(text[position]))
                {
                    position++;
                }

                if (position < text.Length && text[position] != ';')
                {
                    throw new FormatException($"The Kafka connection string's value of '{key}' has text after its closing quote.");
                }
            }
            else
            {
                var end = text.IndexOf(';', position);
                end = end < 0 ? text.Length : end;
                setting = text[position..end].Trim();
                position = end;
            }

            if (!pairs.TryAdd(key, setting))
            {
                throw new FormatException($"The Kafka connection string sets '{key}' twice.");
            }

            position++;
        }

        return pairs;
    }

    private static (string Value, int Next) Quoted(string text, int start, string key)
    {
        var quote = text[start];
        var value = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] != quote)
            {
                value.Append(text[i]);
            }
            else if (i + 1 < text.Length && text[i + 1] == quote)
            {
                value.Append(quote);
                i++;
            }
            else
            {
                return (value.ToString(), i + 1);
            }
        }

        throw new FormatException($"The Kafka connection string's value of '{key}' opens a quote ({quote}) that is never closed.");
    }
}
