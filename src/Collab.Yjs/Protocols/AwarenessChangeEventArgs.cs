namespace Collab.Yjs.Protocols;

/// <summary>The clients an awareness change touched, as reported by y-protocols' <c>change</c> and <c>update</c> events.</summary>
public sealed class AwarenessChangeEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="added">Clients that now have a state and had none known before.</param>
    /// <param name="updated">Clients whose state was replaced (for <see cref="Awareness.Change"/> only when it differs deeply).</param>
    /// <param name="removed">Clients whose state was removed.</param>
    /// <param name="origin">The origin given to the operation (<c>"local"</c> for local state changes, <c>"timeout"</c> for expiry).</param>
    public AwarenessChangeEventArgs(IReadOnlyList<ulong> added, IReadOnlyList<ulong> updated, IReadOnlyList<ulong> removed, object? origin)
    {
        Added = added;
        Updated = updated;
        Removed = removed;
        Origin = origin;
    }

    /// <summary>Clients that now have a state and had none known before.</summary>
    public IReadOnlyList<ulong> Added { get; }

    /// <summary>Clients whose state was replaced (for <see cref="Awareness.Change"/> only when it differs deeply).</summary>
    public IReadOnlyList<ulong> Updated { get; }

    /// <summary>Clients whose state was removed.</summary>
    public IReadOnlyList<ulong> Removed { get; }

    /// <summary>The origin given to the operation (<c>"local"</c> for local state changes, <c>"timeout"</c> for expiry).</summary>
    public object? Origin { get; }

    /// <summary>All clients the change touched: added, then updated, then removed (what a server re-broadcasts).</summary>
    public IEnumerable<ulong> All => Added.Concat(Updated).Concat(Removed);
}
