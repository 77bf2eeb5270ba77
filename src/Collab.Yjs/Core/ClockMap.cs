using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Collab.Yjs;

/// <summary>A compact client → clock map for transaction state vectors (usually one or a few clients).</summary>
internal sealed class ClockMap : IReadOnlyDictionary<long, long>
{
    private long[] _keys;
    private long[] _values;
    private int _count;
    private Dictionary<long, int>? _index;

    public ClockMap(int capacity)
    {
        _keys = capacity == 0 ? [] : new long[capacity];
        _values = capacity == 0 ? [] : new long[capacity];
    }

    public int Count => _count;

    public long this[long key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException();

    public IEnumerable<long> Keys => _keys.Take(_count);

    public IEnumerable<long> Values => _values.Take(_count);

    public void Add(long key, long value)
    {
        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, Math.Max(4, _count * 2));
            Array.Resize(ref _values, Math.Max(4, _count * 2));
        }

        _keys[_count] = key;
        _values[_count] = value;
        _index?.Add(key, _count);
        _count++;
        if (_index is null && _count > 16)
        {
            _index = new Dictionary<long, int>(_count * 2);
            for (var i = 0; i < _count; i++)
            {
                _index[_keys[i]] = i;
            }
        }
    }

    public bool ContainsKey(long key) => TryGetValue(key, out _);

    public bool TryGetValue(long key, [MaybeNullWhen(false)] out long value)
    {
        if (_index is not null)
        {
            if (_index.TryGetValue(key, out var i))
            {
                value = _values[i];
                return true;
            }

            value = 0;
            return false;
        }

        for (var i = 0; i < _count; i++)
        {
            if (_keys[i] == key)
            {
                value = _values[i];
                return true;
            }
        }

        value = 0;
        return false;
    }

    public long Get(long key) => TryGetValue(key, out var v) ? v : 0;

    public IEnumerator<KeyValuePair<long, long>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return new KeyValuePair<long, long>(_keys[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public long KeyAt(int i) => _keys[i];

    public long ValueAt(int i) => _values[i];
}
