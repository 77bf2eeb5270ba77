namespace Collab.LoadGen.Scenarios;

/// <summary>Where the clients connect, and the server process whose CPU and memory are read (when known).</summary>
internal sealed record ServerTarget(string Name, Uri WebSocketUri, int? ProcessId);
