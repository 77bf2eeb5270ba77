using System.Collections;

namespace Collab.Yjs;

/// <summary>The keys of one type changed in a transaction (null = the sequence changed); small and allocation-light.</summary>
internal sealed class ChangedKeys(AbstractType type) : IReadOnlyCollection<string?>
{
    private List<string>? _keys;
    private HashSet<string>? _keySet;
    private bool _sequence;

    public AbstractType Type { get; } = type;

    public bool Removed { get; set; }

    public bool Sequence => _sequence;

    public int Count => (_sequence ? 1 : 0) + (_keys?.Count ?? 0);

    public IReadOnlyList<string> MapKeys => _keys ?? (IReadOnlyList<string>)[];

    public void Add(string? key)
    {
        if (key is null)
        {
            _sequence = true;
            return;
        }

        _keys ??= [];
        if (_keySet is not null)
        {
            if (_keySet.Add(key))
            {
                _keys.Add(key);
            }

            return;
        }

        foreach (var k in _keys)
        {
            if (string.Equals(k, key, StringComparison.Ordinal))
            {
                return;
            }
        }

        _keys.Add(key);
        if (_keys.Count > 8)
        {
            _keySet = new HashSet<string>(_keys, StringComparer.Ordinal);
        }
    }

    public IEnumerator<string?> GetEnumerator()
    {
        if (_sequence)
        {
            yield return null;
        }

        if (_keys is not null)
        {
            foreach (var k in _keys)
            {
                yield return k;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
