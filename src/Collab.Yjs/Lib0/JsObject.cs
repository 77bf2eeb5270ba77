using System.Collections;

namespace Collab.Yjs.Lib0;

/// <summary>
/// A JavaScript plain object: string keys mapped to JavaScript values (see <see cref="JsValue"/>),
/// enumerated in JavaScript property order — keys that are array indices (canonical decimal integers
/// 0..2^32−2) first in ascending numeric order, then all other keys in insertion order.
/// Lookups and inserts stay cheap for large objects (no quadratic cost on hostile input).
/// </summary>
public sealed class JsObject : IEnumerable<KeyValuePair<string, object?>>
{
    private const int IndexThreshold = 8;
    private List<KeyValuePair<string, object?>>? _others;
    private Dictionary<string, int>? _otherIndex;
    private SortedDictionary<uint, KeyValuePair<string, object?>>? _indexed;

    /// <summary>Number of properties.</summary>
    public int Count => (_others?.Count ?? 0) + (_indexed?.Count ?? 0);

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
            foreach (var e in this)
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
        if (TryArrayIndex(key, out var idx))
        {
            (_indexed ??= [])[idx] = new(key, value);
            return;
        }

        var i = IndexOfOther(key);
        if (i >= 0)
        {
            _others![i] = new(key, value);
            return;
        }

        _others ??= [];
        _others.Add(new(key, value));
        if (_otherIndex is not null)
        {
            _otherIndex[key] = _others.Count - 1;
        }
        else if (_others.Count > IndexThreshold)
        {
            _otherIndex = new(StringComparer.Ordinal);
            for (var k = 0; k < _others.Count; k++)
            {
                _otherIndex[_others[k].Key] = k;
            }
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
        if (TryArrayIndex(key, out var idx))
        {
            if (_indexed is not null && _indexed.TryGetValue(idx, out var kv))
            {
                value = kv.Value;
                return true;
            }

            value = null;
            return false;
        }

        var i = IndexOfOther(key);
        value = i >= 0 ? _others![i].Value : null;
        return i >= 0;
    }

    /// <summary>Whether the property exists.</summary>
    /// <param name="key">The property name.</param>
    /// <returns>True when present.</returns>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>Removes a property.</summary>
    /// <param name="key">The property name.</param>
    /// <returns>True when it existed.</returns>
    public bool Remove(string key)
    {
        if (TryArrayIndex(key, out var idx))
        {
            return _indexed is not null && _indexed.Remove(idx);
        }

        var i = IndexOfOther(key);
        if (i < 0)
        {
            return false;
        }

        _others!.RemoveAt(i);
        if (_otherIndex is not null)
        {
            _otherIndex.Remove(key);
            for (var k = i; k < _others.Count; k++)
            {
                _otherIndex[_others[k].Key] = k;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        if (_indexed is not null)
        {
            foreach (var kv in _indexed.Values)
            {
                yield return kv;
            }
        }

        if (_others is not null)
        {
            foreach (var kv in _others)
            {
                yield return kv;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOfOther(string key)
    {
        if (_others is null)
        {
            return -1;
        }

        if (_otherIndex is not null)
        {
            return _otherIndex.TryGetValue(key, out var i) ? i : -1;
        }

        for (var i = 0; i < _others.Count; i++)
        {
            if (string.Equals(_others[i].Key, key, StringComparison.Ordinal))
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
