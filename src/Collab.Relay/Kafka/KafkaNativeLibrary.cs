namespace Collab.Relay.Kafka;
/// <summary>Placeholder.</summary>
public static class KafkaNativeLibrary;
