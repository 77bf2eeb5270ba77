namespace Collab.Relay.Kafka;

/// <summary>Thrown when Kafka is configured but the native librdkafka library cannot be loaded.</summary>
/// <param name="candidates">The names and paths that were tried.</param>
public sealed class KafkaNativeLibraryNotFoundException(IReadOnlyList<string> candidates)
    : Exception(BuildMessage(candidates))
{
    /// <summary>The names and paths that were tried.</summary>
    public IReadOnlyList<string> Candidates { get; } = candidates;

    private static string BuildMessage(IReadOnlyList<string> candidates) =>
        "Kafka is enabled but librdkafka, the native Kafka client library, could not be loaded (tried: "
        + string.Join(", ", candidates) + "). Install it: on Debian or Ubuntu `apt-get install librdkafka-dev` "
        + "(or `librdkafka1`), on Fedora/RHEL `dnf install librdkafka`, on macOS `brew install librdkafka`; "
        + "or set " + KafkaNativeLibrary.PathVariable + " to the library file.";
}
