namespace Collab.Yjs;

/// <summary>
/// A port of the TimSort used by V8's <c>Array.prototype.sort</c> (binary insertion runs, galloping merges, min-gallop
/// adaptation). yjs' mergeUpdates sorts with a comparator that is not consistent for a GC and an Item at the same id;
/// reproducing V8's exact sequence of comparisons is the only way to get the same output bytes in that case.
/// </summary>
internal sealed partial class V8Sort<T>(Func<T, T, int> compare)
{
    private const int MinGallopWins = 7;
    private readonly List<(int Base, int Length)> _runs = [];
    private T[] _a = [];
    private T[] _tmp = [];
    private int _minGallop = 7;

    public void Sort(T[] array, int length)
    {
        if (length < 2)
        {
            return;
        }

        _a = array;
        _runs.Clear();
        _minGallop = 7;
        var remaining = length;
        var low = 0;
        var minRun = MinRunLength(remaining);
        while (remaining != 0)
        {
            var current = CountAndMakeRun(low, low + remaining);
            if (current < minRun)
            {
                var forced = Math.Min(minRun, remaining);
                BinaryInsertionSort(low, low + current, low + forced);
                current = forced;
            }

            _runs.Add((low, current));
            MergeCollapse();
            low += current;
            remaining -= current;
        }

        MergeForceCollapse();
        _a = [];
    }

    private static int MinRunLength(int n)
    {
        var r = 0;
        while (n >= 64)
        {
            r |= n & 1;
            n >>= 1;
        }

        return n + r;
    }

    private int CountAndMakeRun(int lowArg, int high)
    {
        var low = lowArg + 1;
        if (low == high)
        {
            return 1;
        }

        var runLength = 2;
        var elementLow = _a[low];
        var order = compare(elementLow, _a[low - 1]);
        var descending = order < 0;
        var previous = elementLow;
        for (var idx = low + 1; idx < high; ++idx)
        {
            var current = _a[idx];
            order = compare(current, previous);
            if (descending ? order >= 0 : order < 0)
            {
                break;
            }

            previous = current;
            ++runLength;
        }

        if (descending)
        {
            Array.Reverse(_a, lowArg, runLength);
        }

        return runLength;
    }

    private void BinaryInsertionSort(int low, int startArg, int high)
    {
        var start = low == startArg ? startArg + 1 : startArg;
        for (; start < high; ++start)
        {
            var left = low;
            var right = start;
            var pivot = _a[start];
            while (left < right)
            {
                var mid = left + ((right - left) >> 1);
                if (compare(pivot, _a[mid]) < 0)
                {
                    right = mid;
                }
                else
                {
                    left = mid + 1;
                }
            }

            for (var p = start; p > left; --p)
            {
                _a[p] = _a[p - 1];
            }

            _a[left] = pivot;
        }
    }

    private bool RunInvariantEstablished(int n) => n < 2 || _runs[n - 2].Length > _runs[n - 1].Length + _runs[n].Length;

    private void MergeCollapse()
    {
        while (_runs.Count > 1)
        {
            var n = _runs.Count - 2;
            if (!RunInvariantEstablished(n + 1) || !RunInvariantEstablished(n))
            {
                if (_runs[n - 1].Length < _runs[n + 1].Length)
                {
                    --n;
                }

                MergeAt(n);
            }
            else if (_runs[n].Length <= _runs[n + 1].Length)
            {
                MergeAt(n);
            }
            else
            {
                break;
            }
        }
    }

    private void MergeForceCollapse()
    {
        while (_runs.Count > 1)
        {
            var n = _runs.Count - 2;
            if (n > 0 && _runs[n - 1].Length < _runs[n + 1].Length)
            {
                --n;
            }

            MergeAt(n);
        }
    }

    private void MergeAt(int i)
    {
        var (baseA, lengthA) = _runs[i];
        var (baseB, lengthB) = _runs[i + 1];
        _runs[i] = (baseA, lengthA + lengthB);
        _runs.RemoveAt(i + 1);
        var k = GallopRight(_a, _a[baseB], baseA, lengthA, 0);
        baseA += k;
        lengthA -= k;
        if (lengthA == 0)
        {
            return;
        }

        lengthB = GallopLeft(_a, _a[baseA + lengthA - 1], baseB, lengthB, lengthB - 1);
        if (lengthB == 0)
        {
            return;
        }

        if (lengthA <= lengthB)
        {
            MergeLow(baseA, lengthA, baseB, lengthB);
        }
        else
        {
            MergeHigh(baseA, lengthA, baseB, lengthB);
        }
    }

    private int GallopLeft(T[] array, T key, int @base, int length, int hint)
    {
        var lastOfs = 0;
        var offset = 1;
        var order = compare(array[@base + hint], key);
        if (order < 0)
        {
            var maxOfs = length - hint;
            while (offset < maxOfs)
            {
                if (compare(array[@base + hint + offset], key) >= 0)
                {
                    break;
                }

                lastOfs = offset;
                offset = (offset << 1) + 1;
                if (offset <= 0)
                {
                    offset = maxOfs;
                }
            }

            if (offset > maxOfs)
            {
                offset = maxOfs;
            }

            lastOfs += hint;
            offset += hint;
        }
        else
        {
            var maxOfs = hint + 1;
            while (offset < maxOfs)
            {
                if (compare(array[@base + hint - offset], key) < 0)
                {
                    break;
                }

                lastOfs = offset;
                offset = (offset << 1) + 1;
                if (offset <= 0)
                {
                    offset = maxOfs;
                }
            }

            if (offset > maxOfs)
            {
                offset = maxOfs;
            }

            var tmp = lastOfs;
            lastOfs = hint - offset;
            offset = hint - tmp;
        }

        lastOfs++;
        while (lastOfs < offset)
        {
            var m = lastOfs + ((offset - lastOfs) >> 1);
            if (compare(array[@base + m], key) < 0)
            {
                lastOfs = m + 1;
            }
            else
            {
                offset = m;
            }
        }

        return offset;
    }

    private int GallopRight(T[] array, T key, int @base, int length, int hint)
    {
        var lastOfs = 0;
        var offset = 1;
        var order = compare(key, array[@base + hint]);
        if (order < 0)
        {
            var maxOfs = hint + 1;
            while (offset < maxOfs)
            {
                if (compare(key, array[@base + hint - offset]) >= 0)
                {
                    break;
                }

                lastOfs = offset;
                offset = (offset << 1) + 1;
                if (offset <= 0)
                {
                    offset = maxOfs;
                }
            }

            if (offset > maxOfs)
            {
                offset = maxOfs;
            }

            var tmp = lastOfs;
            lastOfs = hint - offset;
            offset = hint - tmp;
        }
        else
        {
            var maxOfs = length - hint;
            while (offset < maxOfs)
            {
                if (compare(key, array[@base + hint + offset]) < 0)
                {
                    break;
                }

                lastOfs = offset;
                offset = (offset << 1) + 1;
                if (offset <= 0)
                {
                    offset = maxOfs;
                }
            }

            if (offset > maxOfs)
            {
                offset = maxOfs;
            }

            lastOfs += hint;
            offset += hint;
        }

        lastOfs++;
        while (lastOfs < offset)
        {
            var m = lastOfs + ((offset - lastOfs) >> 1);
            if (compare(key, array[@base + m]) < 0)
            {
                offset = m;
            }
            else
            {
                lastOfs = m + 1;
            }
        }

        return offset;
    }

    private T[] Temp(int n)
    {
        if (_tmp.Length < n)
        {
            _tmp = new T[Math.Max(n, _tmp.Length * 2)];
        }

        return _tmp;
    }
}
