namespace Collab.Yjs;

/// <summary>
/// The structs of one client sorted by clock. A list of blocks so that splits and merges in the middle
/// (memmove of the whole array in yjs) cost O(block size); indexed access is O(1) amortised for the
/// sequential patterns the algorithms use and O(log blocks) otherwise.
/// </summary>
internal sealed class StructList
{
    private const int MaxBlock = 256;
    private readonly List<List<AbstractStruct>> _blocks = [[]];
    private readonly List<int> _starts = [0];
    private int _count;
    private int _cacheBlock;

    public int Count => _count;

    /// <summary>
    /// The clock after the last struct (the client's state): set by <see cref="Add"/>, the only change that moves it
    /// (splits, merges and GC keep the end where it was). One field read instead of a walk through the blocks.
    /// </summary>
    public long EndClock { get; private set; }

    public AbstractStruct Last
    {
        get
        {
            var b = _blocks[^1];
            return b[^1];
        }
    }

    public AbstractStruct this[int index]
    {
        get
        {
            var b = Locate(index);
            return _blocks[b][index - _starts[b]];
        }

        set
        {
            var b = Locate(index);
            _blocks[b][index - _starts[b]] = value;
        }
    }

    private int Locate(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var c = _cacheBlock;
        if (c < _blocks.Count && index >= _starts[c] && index < _starts[c] + _blocks[c].Count)
        {
            return c;
        }

        if (c + 1 < _blocks.Count && index >= _starts[c + 1] && index < _starts[c + 1] + _blocks[c + 1].Count)
        {
            return _cacheBlock = c + 1;
        }

        var lo = 0;
        var hi = _blocks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (_starts[mid] <= index)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return _cacheBlock = lo;
    }

    public void Add(AbstractStruct s)
    {
        var last = _blocks[^1];
        if (last.Count >= MaxBlock)
        {
            last = new List<AbstractStruct>(MaxBlock);
            _blocks.Add(last);
            _starts.Add(_count);
        }

        last.Add(s);
        _count++;
        EndClock = s.Clock + s.Length;
    }

    public void Insert(int index, AbstractStruct s)
    {
        if (index == _count)
        {
            Add(s);
            return;
        }

        var b = Locate(index);
        var block = _blocks[b];
        block.Insert(index - _starts[b], s);
        _count++;
        for (var i = b + 1; i < _starts.Count; i++)
        {
            _starts[i]++;
        }

        if (block.Count > 2 * MaxBlock)
        {
            var right = block.GetRange(MaxBlock, block.Count - MaxBlock);
            block.RemoveRange(MaxBlock, block.Count - MaxBlock);
            _blocks.Insert(b + 1, right);
            _starts.Insert(b + 1, _starts[b] + MaxBlock);
        }
    }

    public void RemoveRange(int index, int count)
    {
        while (count > 0)
        {
            var b = Locate(index);
            var block = _blocks[b];
            var local = index - _starts[b];
            var n = Math.Min(count, block.Count - local);
            block.RemoveRange(local, n);
            _count -= n;
            count -= n;
            for (var i = b + 1; i < _starts.Count; i++)
            {
                _starts[i] -= n;
            }

            if (block.Count == 0 && _blocks.Count > 1)
            {
                _blocks.RemoveAt(b);
                _starts.RemoveAt(b);
                _cacheBlock = 0;
            }
        }
    }

    public IEnumerable<AbstractStruct> All()
    {
        foreach (var b in _blocks)
        {
            foreach (var s in b)
            {
                yield return s;
            }
        }
    }
}
