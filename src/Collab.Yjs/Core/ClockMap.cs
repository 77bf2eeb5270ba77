using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Collab.Yjs;

/// <summary>
/// A compact client → clock map for transaction state vectors: the first entry is stored inline (most
/// documents have one writer per transaction), further entries in arrays, with a hash index beyond 16 entries.
/// </summary>
internal sealed class ClockMap : IReadOnlyDictionary<long, long>
{
    private long _key0;
    private long _value0;
    private long[]? _keys;
    private long[]? _values;
    private int _count;
    private Dictionary<long, int>? _index;

    public ClockMap(int capacity)
    {
        if (capacity > 1)
        {
            _keys = new long[capacity - 1];
            _values = new long[capacity - 1];
        }
    }

    public int Count => _count;

    public long this[long key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException();

    public IEnumerable<long> Keys => this.Select(kv => kv.Key);

    public IEnumerable<long> Values => this.Select(kv => kv.Value);

    public long KeyAt(int i) => i == 0 ? _key0 : _keys![i - 1];

    public long ValueAt(int i) => i == 0 ? _value0 : _values![i - 1];

    public void Add(long key, long value)
    {
        if (_count == 0)
        {
            _key0 = key;
            _value0 = value;
        }
        else
        {
            var j = _count - 1;
            if (_keys is null || j == _keys.Length)
            {
                var size = Math.Max(4, (_keys?.Length ?? 0) * 2);
                Array.Resize(ref _keys, size);
                Array.Resize(ref _values, size);
            }

            _keys[j] = key;
            _values![j] = value;
        }

        _index?.Add(key, _count);
        _count++;
        if (_index is null && _count > 16)
        {
            _index = new Dictionary<long, int>(_count * 2);
            for (var i = 0; i < _count; i++)
            {
                _index[KeyAt(i)] = i;
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
                value = ValueAt(i);
                return true;
            }

            value = 0;
            return false;
        }

        for (var i = 0; i < _count; i++)
        {
            if (KeyAt(i) == key)
            {
                value = ValueAt(i);
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
            yield return new KeyValuePair<long, long>(KeyAt(i), ValueAt(i));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
