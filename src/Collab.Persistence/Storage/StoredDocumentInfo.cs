namespace Collab.Persistence.Storage;

/// <summary>What a store knows about one stored document without loading it.</summary>
/// <param name="Name">The document name.</param>
/// <param name="Size">Bytes of the stored state.</param>
/// <param name="UpdatedAt">When the state was last written (the Unix epoch for rows written by other tools).</param>
public sealed record StoredDocumentInfo(string Name, long Size, DateTimeOffset UpdatedAt);
