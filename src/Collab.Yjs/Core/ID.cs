namespace Collab.Yjs;

/// <summary>Identifies one unit of a Yjs document: the client that created it and that client's clock.</summary>
/// <param name="client">The client id.</param>
/// <param name="clock">The per-client clock.</param>
public readonly struct ID(long client, long clock) : IEquatable<ID>
{
    /// <summary>The client id.</summary>
    public long Client { get; } = client;

    /// <summary>The per-client clock.</summary>
    public long Clock { get; } = clock;

    /// <summary>Equality of both parts.</summary>
    /// <param name="a">Left.</param>
    /// <param name="b">Right.</param>
    /// <returns>Whether equal.</returns>
    public static bool operator ==(ID a, ID b) => a.Client == b.Client && a.Clock == b.Clock;

    /// <summary>Inequality.</summary>
    /// <param name="a">Left.</param>
    /// <param name="b">Right.</param>
    /// <returns>Whether different.</returns>
    public static bool operator !=(ID a, ID b) => !(a == b);

    /// <inheritdoc />
    public bool Equals(ID other) => this == other;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ID other && this == other;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Client, Clock);

    /// <inheritdoc />
    public override string ToString() => $"({Client},{Clock})";

    internal static bool Same(ID? a, ID? b) =>
        a.HasValue ? b.HasValue && a.GetValueOrDefault() == b.GetValueOrDefault() : !b.HasValue;
}
