namespace Collab.Persistence.Storage;

/// <summary>A document as an <see cref="IUpdateLog"/> holds it: the stored state, the logged updates it does not cover, and the last change sequence.</summary>
/// <param name="State">The stored state, or null when the document was only ever logged.</param>
/// <param name="Updates">The logged updates after the stored state, in the order they were appended.</param>
/// <param name="Sequence">The document's last change sequence (covered by the state or logged); its next change continues after it.</param>
public sealed record LoggedDocument(byte[]? State, IReadOnlyList<byte[]> Updates, long Sequence);
