using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Persistence.Admin;

/// <summary>What <c>verify</c> and <c>compact</c> check of a stored state.</summary>
internal static class DocumentChecks
{
    /// <summary>
    /// Null when <paramref name="state"/> decodes as a Yjs v1 update, applies to a document without waiting for missing
    /// updates, and re-encodes to a state with the same state vector; else what is wrong.
    /// </summary>
    public static string? Problem(byte[] state)
    {
        try
        {
            _ = YUpdates.ParseUpdateMeta(state);
            var doc = new Doc();
            doc.ApplyUpdate(state);
            if (doc.PendingStructsMissing is { Count: > 0 } missing)
            {
                var (client, clock) = missing.First();
                return $"depends on updates that are not stored (client {client} from clock {clock}): part of its content is invisible";
            }

            if (doc.HasPendingDeleteSet)
            {
                return "deletes content that is not stored (a pending delete set)";
            }

            var reencoded = doc.EncodeStateAsUpdate();
            return SameStateVector(state, reencoded) ? null : "re-encoding it changes its state vector";
        }
        catch (YjsDecodingException e)
        {
            return $"not a valid Yjs v1 update: {e.Message}";
        }
    }

    /// <summary>The state with deleted content garbage-collected (a document with GC on, re-encoded).</summary>
    public static byte[] Compact(byte[] state)
    {
        var doc = new Doc(new DocOptions { Gc = true });
        doc.ApplyUpdate(state);
        return doc.EncodeStateAsUpdate();
    }

    /// <summary>True when both states have the same clients and clocks and read as the same content.</summary>
    public static bool SameContent(byte[] state, byte[] other) =>
        SameStateVector(state, other) && DocJson.Render(state) == DocJson.Render(other);

    private static bool SameStateVector(byte[] a, byte[] b)
    {
        var x = YUpdates.DecodeStateVector(YUpdates.EncodeStateVectorFromUpdate(a));
        var y = YUpdates.DecodeStateVector(YUpdates.EncodeStateVectorFromUpdate(b));
        return x.Count == y.Count && x.All(entry => y.TryGetValue(entry.Key, out var clock) && clock == entry.Value);
    }
}
