using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>
/// Functions on encoded updates that need no document (yjs <c>mergeUpdates</c>, <c>diffUpdate</c>,
/// <c>encodeStateVectorFromUpdate</c>, <c>parseUpdateMeta</c>, format conversion), each in a v1 and v2 flavour.
/// Malformed input throws <see cref="YjsDecodingException"/>.
/// </summary>
public static partial class YUpdates
{
    private static IUpdateDecoder Decoder(byte[] update, bool v2)
    {
        var d = new Lib0Decoder(update);
        return v2 ? new UpdateDecoderV2(d) : new UpdateDecoderV1(d);
    }

    private static IUpdateEncoder Encoder(bool v2) => v2 ? new UpdateEncoderV2() : new UpdateEncoderV1();

    private static T Guard<T>(Func<T> f)
    {
        try
        {
            return f();
        }
        catch (YjsDecodingException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException or FormatException or KeyNotFoundException)
        {
            throw new YjsDecodingException("Malformed update.", e);
        }
    }

    /// <summary>Merges v1 updates into one (union of structs and delete sets).</summary>
    /// <param name="updates">The updates.</param>
    /// <returns>The merged update.</returns>
    public static byte[] MergeUpdates(IReadOnlyList<byte[]> updates) => Guard(() => Merge(updates, false));

    /// <summary>Merges v2 updates into one.</summary>
    /// <param name="updates">The updates.</param>
    /// <returns>The merged update.</returns>
    public static byte[] MergeUpdatesV2(IReadOnlyList<byte[]> updates) => Guard(() => Merge(updates, true));

    /// <summary>The part of a v1 update not covered by a state vector, plus its whole delete set.</summary>
    /// <param name="update">The update.</param>
    /// <param name="stateVector">An encoded state vector.</param>
    /// <returns>The diff.</returns>
    public static byte[] DiffUpdate(byte[] update, byte[] stateVector) => Guard(() => Diff(update, stateVector, false));

    /// <summary>The part of a v2 update not covered by a state vector, plus its whole delete set.</summary>
    /// <param name="update">The update.</param>
    /// <param name="stateVector">An encoded state vector.</param>
    /// <returns>The diff.</returns>
    public static byte[] DiffUpdateV2(byte[] update, byte[] stateVector) => Guard(() => Diff(update, stateVector, true));

    /// <summary>The state vector implied by a v1 update.</summary>
    /// <param name="update">The update.</param>
    /// <returns>An encoded state vector.</returns>
    public static byte[] EncodeStateVectorFromUpdate(byte[] update) => Guard(() => StateVectorFromUpdate(update, false));

    /// <summary>The state vector implied by a v2 update.</summary>
    /// <param name="update">The update.</param>
    /// <returns>An encoded state vector.</returns>
    public static byte[] EncodeStateVectorFromUpdateV2(byte[] update) => Guard(() => StateVectorFromUpdate(update, true));

    /// <summary>Per client the first and end clock of the structs in a v1 update.</summary>
    /// <param name="update">The update.</param>
    /// <returns>From and to maps.</returns>
    public static (IReadOnlyDictionary<long, long> From, IReadOnlyDictionary<long, long> To) ParseUpdateMeta(byte[] update) => Guard(() => Meta(update, false));

    /// <summary>Per client the first and end clock of the structs in a v2 update.</summary>
    /// <param name="update">The update.</param>
    /// <returns>From and to maps.</returns>
    public static (IReadOnlyDictionary<long, long> From, IReadOnlyDictionary<long, long> To) ParseUpdateMetaV2(byte[] update) => Guard(() => Meta(update, true));

    /// <summary>Converts a v1 update to v2.</summary>
    /// <param name="update">The v1 update.</param>
    /// <returns>The v2 update.</returns>
    public static byte[] ConvertUpdateFormatV1ToV2(byte[] update) => Guard(() => Convert(update, false, true));

    /// <summary>Converts a v2 update to v1.</summary>
    /// <param name="update">The v2 update.</param>
    /// <returns>The v1 update.</returns>
    public static byte[] ConvertUpdateFormatV2ToV1(byte[] update) => Guard(() => Convert(update, true, false));

    /// <summary>Decodes a state vector (client → clock).</summary>
    /// <param name="stateVector">The encoded state vector.</param>
    /// <returns>The map.</returns>
    public static Dictionary<long, long> DecodeStateVector(byte[] stateVector) => Guard(() => UpdateWriter.DecodeStateVector(stateVector));

    /// <summary>Encodes a state vector (entries in descending client order).</summary>
    /// <param name="stateVector">The map.</param>
    /// <returns>The encoded state vector.</returns>
    public static byte[] EncodeStateVector(IReadOnlyDictionary<long, long> stateVector) => UpdateWriter.EncodeStateVector(stateVector);

    private static byte[] Convert(byte[] update, bool fromV2, bool toV2)
    {
        var decoder = Decoder(update, fromV2);
        var reader = new LazyStructReader(decoder, false, update.Length);
        var encoder = Encoder(toV2);
        var writer = new LazyStructWriter(encoder);
        for (var curr = reader.Curr; curr is not null; curr = reader.Next())
        {
            writer.Write(curr, 0);
        }

        writer.Finish();
        DeleteSet.Read(decoder).Write(encoder);
        return encoder.ToArray();
    }

    private static (IReadOnlyDictionary<long, long>, IReadOnlyDictionary<long, long>) Meta(byte[] update, bool v2)
    {
        var from = new Dictionary<long, long>();
        var to = new Dictionary<long, long>();
        var reader = new LazyStructReader(Decoder(update, v2), false, update.Length);
        var curr = reader.Curr;
        if (curr is not null)
        {
            var currClient = curr.Client;
            var currClock = curr.Clock;
            from[currClient] = currClock;
            for (; curr is not null; curr = reader.Next())
            {
                if (currClient != curr.Client)
                {
                    to[currClient] = currClock;
                    from[curr.Client] = curr.Clock;
                    currClient = curr.Client;
                }

                currClock = curr.Clock + curr.Length;
            }

            to[currClient] = currClock;
        }

        return (from, to);
    }

    private static byte[] StateVectorFromUpdate(byte[] update, bool v2)
    {
        var reader = new LazyStructReader(Decoder(update, v2), false, update.Length);
        var entries = new Lib0Encoder();
        var size = 0;
        var curr = reader.Curr;
        if (curr is not null)
        {
            var currClient = curr.Client;
            var stopCounting = curr.Clock != 0;
            var currClock = stopCounting ? 0 : curr.Clock + curr.Length;
            for (; curr is not null; curr = reader.Next())
            {
                if (currClient != curr.Client)
                {
                    if (currClock != 0)
                    {
                        size++;
                        entries.WriteVarUInt((ulong)currClient);
                        entries.WriteVarUInt((ulong)currClock);
                    }

                    currClient = curr.Client;
                    currClock = 0;
                    stopCounting = curr.Clock != 0;
                }

                if (curr is Skip)
                {
                    stopCounting = true;
                }

                if (!stopCounting)
                {
                    currClock = curr.Clock + curr.Length;
                }
            }

            if (currClock != 0)
            {
                size++;
                entries.WriteVarUInt((ulong)currClient);
                entries.WriteVarUInt((ulong)currClock);
            }
        }

        var e = new Lib0Encoder();
        e.WriteVarUInt((ulong)size);
        e.WriteBytes(entries.WrittenSpan);
        return e.ToArray();
    }

    private static byte[] Diff(byte[] update, byte[] sv, bool v2)
    {
        var state = UpdateWriter.DecodeStateVector(sv);
        var encoder = Encoder(v2);
        var writer = new LazyStructWriter(encoder);
        var decoder = Decoder(update, v2);
        var reader = new LazyStructReader(decoder, false, update.Length);
        while (reader.Curr is { } curr)
        {
            var currClient = curr.Client;
            var svClock = state.TryGetValue(currClient, out var c) ? c : 0;
            if (curr is Skip)
            {
                reader.Next();
                continue;
            }

            if (curr.Clock + curr.Length > svClock)
            {
                writer.Write(curr, (int)Math.Max(svClock - curr.Clock, 0));
                reader.Next();
                while (reader.Curr is { } next && next.Client == currClient)
                {
                    writer.Write(next, 0);
                    reader.Next();
                }
            }
            else
            {
                while (reader.Curr is { } next && next.Client == currClient && next.Clock + next.Length <= svClock)
                {
                    reader.Next();
                }
            }
        }

        writer.Finish();
        DeleteSet.Read(decoder).Write(encoder);
        return encoder.ToArray();
    }
}
