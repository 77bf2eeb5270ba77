namespace Collab.Yjs;

/// <summary>A cached (item, index) position in a sequence (yjs <c>ArraySearchMarker</c>).</summary>
internal sealed class SearchMarker
{
    public const int MaxSearchMarkers = 80;
    private static long _globalTimestamp;

    public Item P;
    public int Index;
    public long Timestamp;

    public SearchMarker(Item p, int index)
    {
        p.Marker = true;
        P = p;
        Index = index;
        Timestamp = Interlocked.Increment(ref _globalTimestamp);
    }

    public void Refresh() => Timestamp = Interlocked.Increment(ref _globalTimestamp);

    public void Overwrite(Item p, int index)
    {
        P.Marker = false;
        P = p;
        p.Marker = true;
        Index = index;
        Timestamp = Interlocked.Increment(ref _globalTimestamp);
    }

    private static SearchMarker MarkPosition(List<SearchMarker> markers, Item p, int index)
    {
        if (markers.Count >= MaxSearchMarkers)
        {
            var oldest = markers[0];
            for (var i = 1; i < markers.Count; i++)
            {
                if (markers[i].Timestamp < oldest.Timestamp)
                {
                    oldest = markers[i];
                }
            }

            oldest.Overwrite(p, index);
            return oldest;
        }

        var pm = new SearchMarker(p, index);
        markers.Add(pm);
        return pm;
    }

    public static SearchMarker? Find(AbstractType yarray, int index)
    {
        var markers = yarray.SearchMarkers;
        if (yarray.Start is null || index == 0 || markers is null)
        {
            return null;
        }

        SearchMarker? marker = null;
        if (markers.Count > 0)
        {
            marker = markers[0];
            for (var i = 1; i < markers.Count; i++)
            {
                if (Math.Abs(index - markers[i].Index) < Math.Abs(index - marker.Index))
                {
                    marker = markers[i];
                }
            }
        }

        var p = yarray.Start;
        var pindex = 0;
        if (marker is not null)
        {
            p = marker.P;
            pindex = marker.Index;
            marker.Refresh();
        }

        while (p.Right is not null && pindex < index)
        {
            if (!p.Deleted && p.Countable)
            {
                if (index < pindex + p.Length)
                {
                    break;
                }

                pindex += p.Length;
            }

            p = p.Right;
        }

        while (p.Left is not null && pindex > index)
        {
            p = p.Left;
            if (!p.Deleted && p.Countable)
            {
                pindex -= p.Length;
            }
        }

        while (p.Left is not null && p.Left.Client == p.Client && p.Left.Clock + p.Left.Length == p.Clock)
        {
            p = p.Left;
            if (!p.Deleted && p.Countable)
            {
                pindex -= p.Length;
            }
        }

        if (marker is not null && Math.Abs(marker.Index - pindex) < (double)p.Parent!.LengthInternal / MaxSearchMarkers)
        {
            marker.Overwrite(p, pindex);
            return marker;
        }

        return MarkPosition(markers, p, pindex);
    }

    public static void UpdateChanges(List<SearchMarker> markers, int index, int len)
    {
        for (var i = markers.Count - 1; i >= 0; i--)
        {
            var m = markers[i];
            if (len > 0)
            {
                Item? p = m.P;
                p.Marker = false;
                while (p is not null && (p.Deleted || !p.Countable))
                {
                    p = p.Left;
                    if (p is not null && !p.Deleted && p.Countable)
                    {
                        m.Index -= p.Length;
                    }
                }

                if (p is null || p.Marker)
                {
                    markers.RemoveAt(i);
                    continue;
                }

                m.P = p;
                p.Marker = true;
            }

            if (index < m.Index || (len > 0 && index == m.Index))
            {
                m.Index = Math.Max(index, m.Index + len);
            }
        }
    }
}
