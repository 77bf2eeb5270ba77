using System.Collections;

namespace Collab.Yjs.Lib0;

/// <summary>
/// A JavaScript plain object: string keys mapped to JavaScript values (see <see cref="JsValue"/>),
/// enumerated in JavaScript property order — keys that are array indices (canonical decimal
/// integers 0..2^32−2) first in ascending numeric order, then all other keys in insertion order.
/// </summary>
public sealed class JsObject : IEnumerable<KeyValuePair<string, object?>>
{
    private static readonly List<KeyValuePair<string, object?>> Empty = [];
    private List<KeyValuePair<string, object?>>? _list;

    private List<KeyValuePair<string, object?>> _entries => _list ?? Empty;

    /// <summary>Number of properties.</summary>
    public int Count => _list?.Count ?? 0;

    /// <summary>Gets or sets a property. Getting a missing key returns <see cref="JsUndefined.Value"/>.</summary>
    /// <param name="key">The property name.</param>
    public object? this[string key]
    {
        get => TryGetValue(key, out var v) ? v : JsUndefined.Value;
        set => Set(key, value);
    }

    /// <summary>The keys in JavaScript enumeration order.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var e in _entries)
            {
                yield return e.Key;
            }
        }
    }

    /// <summary>Sets a property, keeping the position of an existing key.</summary>
    /// <param name="key">The property name.</param>
    /// <param name="value">The JavaScript value.</param>
    public void Set(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var i = IndexOf(key);
        if (i >= 0)
        {
            _list![i] = new(key, value);
            return;
        }

        _list ??= [];
        if (TryArrayIndex(key, out var idx))
        {
            var pos = 0;
            while (pos < _list.Count && TryArrayIndex(_list[pos].Key, out var other) && other < idx)
            {
                pos++;
            }

            _list.Insert(pos, new(key, value));
        }
        else
        {
            _list.Add(new(key, value));
        }
    }

    /// <summary>Adds a property (same as <see cref="Set"/>; enables collection initializers).</summary>
    /// <param name="key">The property name.</param>
    /// <param name="value">The JavaScript value.</param>
    public void Add(string key, object? value) => Set(key, value);

    /// <summary>Reads a property.</summary>
    /// <param name="key">The property name.</param>
    /// <param name="value">The value when found.</param>
    /// <returns>Whether the property exists.</returns>
    public bool TryGetValue(string key, out object? value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _entries[i].Value : null;
        return i >= 0;
    }

    /// <summary>Whether the property exists.</summary>
    /// <param name="key">The property name.</param>
    /// <returns>True when present.</returns>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <summary>Removes a property.</summary>
    /// <param name="key">The property name.</param>
    /// <returns>True when it existed.</returns>
    public bool Remove(string key)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        _list!.RemoveAt(i);
        return true;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether a key is a JavaScript array index (canonical decimal 0..2^32−2).</summary>
    internal static bool TryArrayIndex(string key, out uint index)
    {
        index = 0;
        if (key.Length == 0 || key.Length > 10 || (key.Length > 1 && key[0] == '0'))
        {
            return false;
        }

        ulong v = 0;
        foreach (var c in key)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            v = (v * 10) + (ulong)(c - '0');
        }

        if (v > 4294967294UL)
        {
            return false;
        }

        index = (uint)v;
        return true;
    }
}
