using System.Diagnostics.CodeAnalysis;

namespace Collab.SyncServer.Connections;

/// <summary>
/// A socket's document connections by address, with the first entry kept inline: nearly every socket carries one
/// document, and a dictionary for one entry costs about 200 bytes per socket. A mutable struct: keep it in a
/// non-readonly field and use it under the session's lock.
/// </summary>
internal struct AddressMap<T>
    where T : class
{
    private string? _key;
    private T? _value;
    private Dictionary<string, T>? _more;

    public readonly int Count => (_key is null ? 0 : 1) + (_more?.Count ?? 0);

    public readonly bool TryGetValue(string key, [MaybeNullWhen(false)] out T value)
    {
        if (_key is not null && string.Equals(_key, key, StringComparison.Ordinal))
        {
            value = _value!;
            return true;
        }

        value = null;
        return _more is not null && _more.TryGetValue(key, out value);
    }

    public void Set(string key, T value)
    {
        if (_key is not null && string.Equals(_key, key, StringComparison.Ordinal))
        {
            _value = value;
        }
        else if (_more is not null && _more.ContainsKey(key))
        {
            _more[key] = value;
        }
        else if (_key is null)
        {
            _key = key;
            _value = value;
        }
        else
        {
            (_more ??= new(StringComparer.Ordinal))[key] = value;
        }
    }

    public bool Remove(string key)
    {
        if (_key is not null && string.Equals(_key, key, StringComparison.Ordinal))
        {
            _key = null;
            _value = null;
            return true;
        }

        if (_more is null || !_more.Remove(key))
        {
            return false;
        }

        if (_more.Count == 0)
        {
            _more = null;
        }

        return true;
    }

    public readonly List<string> Keys() => [.. Entries().Select(e => e.Key)];

    public readonly List<T> Values() => [.. Entries().Select(e => e.Value)];

    private readonly IEnumerable<KeyValuePair<string, T>> Entries()
    {
        var entries = new List<KeyValuePair<string, T>>(Count);
        if (_key is not null)
        {
            entries.Add(new(_key, _value!));
        }

        if (_more is not null)
        {
            entries.AddRange(_more);
        }

        return entries;
    }
}
