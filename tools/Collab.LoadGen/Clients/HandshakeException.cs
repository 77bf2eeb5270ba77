namespace Collab.LoadGen.Clients;

/// <summary>The server refused or ended a document connection (PermissionDenied, in-band CLOSE, socket close, timeout).</summary>
/// <param name="kind">The error kind as counted in the report.</param>
/// <param name="counted">Whether the error log already has it (failures seen by the receive loop are counted there).</param>
internal sealed class HandshakeException(string kind, bool counted = false) : Exception(kind)
{
    public string Kind { get; } = kind;

    public bool Counted { get; } = counted;
}
