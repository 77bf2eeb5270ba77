using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Collab.SyncServer.Connections.WebSockets;

/// <summary>
/// The request headers of a socket upgraded below the HTTP stack: an array of name/value pairs searched linearly
/// (case-insensitive names), sized to what the request carried. A WebSocket upgrade has about ten headers and the
/// socket keeps them for its whole life (hooks see them); a hash table for so few costs twice the memory.
/// Same semantics as <see cref="HeaderDictionary"/>: a missing name reads as <see cref="StringValues.Empty"/>,
/// setting a value without strings removes the name.
/// </summary>
internal sealed class CompactHeaderDictionary : IHeaderDictionary
{
    private KeyValuePair<string, StringValues>[] _entries;
    private int _count;

    public CompactHeaderDictionary(int capacity) => _entries = capacity == 0 ? [] : new KeyValuePair<string, StringValues>[capacity];

    public int Count => _count;

    public bool IsReadOnly => false;

    public ICollection<string> Keys => [.. _entries.Take(_count).Select(e => e.Key)];

    public ICollection<StringValues> Values => [.. _entries.Take(_count).Select(e => e.Value)];

    public long? ContentLength
    {
        get => long.TryParse(this[HeaderNames.ContentLength].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;
        set => this[HeaderNames.ContentLength] = value?.ToString(CultureInfo.InvariantCulture) ?? StringValues.Empty;
    }

    public StringValues this[string key]
    {
        get => TryGetValue(key, out var value) ? value : StringValues.Empty;
        set
        {
            if (value.Count == 0)
            {
                Remove(key);
                return;
            }

            var i = IndexOf(key);
            if (i >= 0)
            {
                _entries[i] = new(_entries[i].Key, value);
            }
            else
            {
                Append(key, value);
            }
        }
    }

    StringValues IDictionary<string, StringValues>.this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);
        set => this[key] = value;
    }

    public void Add(string key, StringValues value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (IndexOf(key) >= 0)
        {
            throw new ArgumentException($"The header {key} is already present.", nameof(key));
        }

        Append(key, value);
    }

    public void Add(KeyValuePair<string, StringValues> item) => Add(item.Key, item.Value);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool Contains(KeyValuePair<string, StringValues> item) =>
        TryGetValue(item.Key, out var value) && StringValues.Equals(value, item.Value);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out StringValues value)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            value = default;
            return false;
        }

        value = _entries[i].Value;
        return true;
    }

    public bool Remove(string key)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        _count--;
        Array.Copy(_entries, i + 1, _entries, i, _count - i);
        _entries[_count] = default;
        return true;
    }

    public bool Remove(KeyValuePair<string, StringValues> item) => Contains(item) && Remove(item.Key);

    public void Clear()
    {
        Array.Clear(_entries, 0, _count);
        _count = 0;
    }

    public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) => Array.Copy(_entries, 0, array, arrayIndex, _count);

    public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _entries[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private void Append(string key, StringValues value)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(4, _count * 2));
        }

        _entries[_count++] = new(key, value);
    }
}
