using Collab.Yjs.Lib0;

namespace Collab.Yjs;

public sealed partial class Doc
{
    private static readonly byte[] EmptyStateVector = [0];

    /// <summary>
    /// Applies a v1 update in a remote transaction. Atomic: malformed input throws
    /// <see cref="YjsDecodingException"/> before anything is changed.
    /// </summary>
    /// <param name="update">The encoded update.</param>
    /// <param name="origin">Origin reported to listeners.</param>
    public void ApplyUpdate(byte[] update, object? origin = null)
    {
        ArgumentNullException.ThrowIfNull(update);
        UpdateIntegrator.Apply(this, update, false, origin);
    }

    /// <summary>Applies a v2 update in a remote transaction (atomic like <see cref="ApplyUpdate"/>).</summary>
    /// <param name="update">The encoded update.</param>
    /// <param name="origin">Origin reported to listeners.</param>
    public void ApplyUpdateV2(byte[] update, object? origin = null)
    {
        ArgumentNullException.ThrowIfNull(update);
        UpdateIntegrator.Apply(this, update, true, origin);
    }

    /// <summary>Encodes the document (or the part a peer with <paramref name="targetStateVector"/> lacks) as a v1 update.</summary>
    /// <param name="targetStateVector">The peer's encoded state vector; null for everything.</param>
    /// <returns>The update.</returns>
    public byte[] EncodeStateAsUpdate(byte[]? targetStateVector = null) => EncodeStateAsUpdateCore(targetStateVector, false);

    /// <summary>Encodes the document (or the part a peer lacks) as a v2 update.</summary>
    /// <param name="targetStateVector">The peer's encoded state vector; null for everything.</param>
    /// <returns>The update.</returns>
    public byte[] EncodeStateAsUpdateV2(byte[]? targetStateVector = null) => EncodeStateAsUpdateCore(targetStateVector, true);

    /// <summary>Encodes this document's state vector.</summary>
    /// <returns>The encoded state vector.</returns>
    public byte[] EncodeStateVector() => UpdateWriter.EncodeStateVector(Store.GetStateVector());

    /// <summary>The state vector (client → next clock) of integrated structs.</summary>
    /// <returns>A new dictionary.</returns>
    public Dictionary<long, long> GetStateVector() => Store.GetStateVector();

    /// <summary>Pending structs waiting for missing updates: client → clock they wait for, or null.</summary>
    public IReadOnlyDictionary<long, long>? PendingStructsMissing => Store.Pending?.Missing;

    /// <summary>Whether a delete set is waiting for structs that have not arrived.</summary>
    public bool HasPendingDeleteSet => Store.PendingDs is not null;

    private byte[] EncodeStateAsUpdateCore(byte[]? targetStateVector, bool v2)
    {
        var sv = targetStateVector ?? EmptyStateVector;
        Dictionary<long, long> target;
        try
        {
            target = UpdateWriter.DecodeStateVector(sv);
        }
        catch (YjsDecodingException)
        {
            throw;
        }

        IUpdateEncoder encoder = v2 ? new UpdateEncoderV2() : new UpdateEncoderV1();
        UpdateWriter.WriteStateAsUpdate(encoder, this, target);
        var first = encoder.ToArray();
        if (Store.PendingDs is null && Store.Pending is null)
        {
            return first;
        }

        var updates = new List<byte[]> { first };
        if (Store.PendingDs is not null)
        {
            updates.Add(Store.PendingDs);
        }

        if (Store.Pending is not null)
        {
            updates.Add(YUpdates.DiffUpdateV2(Store.Pending.Update, sv));
        }

        if (v2)
        {
            return YUpdates.MergeUpdatesV2(updates);
        }

        for (var i = 1; i < updates.Count; i++)
        {
            updates[i] = YUpdates.ConvertUpdateFormatV2ToV1(updates[i]);
        }

        return YUpdates.MergeUpdates(updates);
    }
}
