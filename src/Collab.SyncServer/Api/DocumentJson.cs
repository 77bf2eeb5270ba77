using Collab.SyncServer.Hooks;
using Collab.Yjs;

namespace Collab.SyncServer.Api;

/// <summary>
/// A document as JSON (the operator API, webhooks): <see cref="DocJson"/> of Collab.Yjs, which the persistence admin
/// CLI's <c>show</c> uses too. One property per root type; the types a live document's code has given its roots win
/// over recognising them from their content.
/// </summary>
public static class DocumentJson
{
    /// <summary>Renders a server document (its state is captured under the document lock).</summary>
    public static string Render(ICollabDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var (state, types) = document.Read(doc => (doc.EncodeStateAsUpdate(), DocJson.KnownTypes(doc)));
        return DocJson.Render(state, types);
    }

    /// <summary>Renders an encoded document state (v1 update).</summary>
    public static string Render(byte[] state, IReadOnlyDictionary<string, Type>? knownTypes = null) => DocJson.Render(state, knownTypes);
}
