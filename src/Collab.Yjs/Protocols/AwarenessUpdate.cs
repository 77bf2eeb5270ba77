using Collab.Yjs.Lib0;

namespace Collab.Yjs.Protocols;

/// <summary>One entry of an awareness update: a client's clock and its state (JSON <c>null</c> = the client is gone).</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="Clock">The client's awareness clock.</param>
/// <param name="State">The parsed state (see <see cref="JsValue"/>); <c>null</c> means removed.</param>
public readonly record struct AwarenessUpdateEntry(ulong ClientId, ulong Clock, object? State);

/// <summary>
/// The y-protocols awareness update codec,
/// <c>varUint(n) • n × (varUint(clientID) • varUint(clock) • varString(JSON(state)))</c>, usable without an
/// <see cref="Awareness"/> (for example to see which client ids a connection announces).
/// </summary>
public static class AwarenessUpdate
{
    /// <summary>Decodes a whole awareness update. Nothing is returned unless every entry is well formed.</summary>
    /// <param name="update">The encoded update.</param>
    /// <returns>The entries in wire order.</returns>
    /// <exception cref="YjsDecodingException">The update is truncated, a number is out of range, a string is not UTF-8 or a state is not JSON.</exception>
    public static IReadOnlyList<AwarenessUpdateEntry> Decode(byte[] update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var decoder = new Lib0Decoder(update);
        // each entry takes at least three bytes, so a count beyond that is malformed (and must not size a list)
        var count = decoder.ReadVarUInt();
        if (count > (ulong)decoder.Remaining / 3)
        {
            throw new YjsDecodingException("Awareness update entry count exceeds the input.");
        }

        var entries = new List<AwarenessUpdateEntry>((int)count);
        for (var i = 0UL; i < count; i++)
        {
            var clientId = decoder.ReadVarUInt();
            var clock = decoder.ReadVarUInt();
            entries.Add(new(clientId, clock, ParseState(decoder.ReadVarString())));
        }

        return entries;
    }

    /// <summary>Encodes entries as an awareness update; states are written like <c>JSON.stringify</c>.</summary>
    /// <param name="entries">The entries.</param>
    /// <returns>The encoded update.</returns>
    public static byte[] Encode(IEnumerable<AwarenessUpdateEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries as IReadOnlyCollection<AwarenessUpdateEntry> ?? [.. entries];
        var encoder = new Lib0Encoder();
        encoder.WriteVarUInt((ulong)list.Count);
        foreach (var e in list)
        {
            WriteEntry(encoder, e.ClientId, e.Clock, JsJson.Stringify(e.State));
        }

        return encoder.ToArray();
    }

    internal static void WriteEntry(Lib0Encoder encoder, ulong clientId, ulong clock, string stateJson)
    {
        encoder.WriteVarUInt(clientId);
        encoder.WriteVarUInt(clock);
        encoder.WriteVarString(stateJson);
    }

    internal static object? ParseState(string json)
    {
        try
        {
            return JsJson.Parse(json);
        }
        catch (YjsDecodingException)
        {
            throw;
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException)
        {
            throw new YjsDecodingException("Awareness state is not valid JSON.", e);
        }
    }
}
