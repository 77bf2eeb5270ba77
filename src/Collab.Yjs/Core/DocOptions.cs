namespace Collab.Yjs;

/// <summary>Options for a new <see cref="Doc"/>.</summary>
public sealed class DocOptions
{
    /// <summary>The client id; a random 32-bit id when null.</summary>
    public long? ClientId { get; init; }

    /// <summary>Whether deleted content is garbage-collected (default true).</summary>
    public bool Gc { get; init; } = true;

    /// <summary>The guid; a random one when null.</summary>
    public string? Guid { get; init; }

    /// <summary>Sub-document option autoLoad.</summary>
    public bool AutoLoad { get; init; }

    /// <summary>Sub-document option shouldLoad.</summary>
    public bool ShouldLoad { get; init; } = true;

    /// <summary>Sub-document meta value.</summary>
    public object? Meta { get; init; }
}

/// <summary>Arguments of <see cref="Doc.Update"/> and <see cref="Doc.UpdateV2"/>.</summary>
/// <param name="update">The encoded update.</param>
/// <param name="origin">The transaction origin.</param>
/// <param name="transaction">The transaction.</param>
public sealed class UpdateEventArgs(byte[] update, object? origin, Transaction transaction) : EventArgs
{
    /// <summary>The encoded update (v1 or v2 depending on the event).</summary>
    public byte[] Update { get; } = update;

    /// <summary>The transaction origin.</summary>
    public object? Origin { get; } = origin;

    /// <summary>The transaction that produced the update.</summary>
    public Transaction Transaction { get; } = transaction;
}

/// <summary>Arguments of <see cref="Doc.SubdocsChanged"/>.</summary>
/// <param name="added">Added sub-documents.</param>
/// <param name="removed">Removed sub-documents.</param>
/// <param name="loaded">Loaded sub-documents.</param>
public sealed class SubdocsEventArgs(IReadOnlyCollection<Doc> added, IReadOnlyCollection<Doc> removed, IReadOnlyCollection<Doc> loaded) : EventArgs
{
    /// <summary>Added sub-documents.</summary>
    public IReadOnlyCollection<Doc> Added { get; } = added;

    /// <summary>Removed sub-documents.</summary>
    public IReadOnlyCollection<Doc> Removed { get; } = removed;

    /// <summary>Loaded sub-documents.</summary>
    public IReadOnlyCollection<Doc> Loaded { get; } = loaded;
}
