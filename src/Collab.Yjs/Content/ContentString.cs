namespace Collab.Yjs;

/// <summary>
/// Text content (ref 4). Starts as a plain string; once other content is merged into it, it switches to a
/// growable char buffer so that typing (one merge per character) is amortised O(1) instead of O(length).
/// </summary>
internal sealed class ContentString : AbstractContent
{
    private string? _str;
    private char[]? _buf;
    private int _len;

    public ContentString(string str)
    {
        _str = str;
        _len = str.Length;
    }

    public string Str => _str ??= new string(_buf!, 0, _len);

    public ReadOnlySpan<char> Span => _buf is not null ? _buf.AsSpan(0, _len) : _str.AsSpan();

    public override int Ref => 4;

    public override int Length => _len;

    public override bool Countable => true;

    public override object? GetValue(int index) => Span[index].ToString();

    public override AbstractContent Copy() => new ContentString(Str);

    public override AbstractContent Splice(int offset)
    {
        var span = Span;
        var right = new ContentString(span[offset..].ToString());
        if (_buf is not null)
        {
            _len = offset;
            _str = null;
        }
        else
        {
            _str = _str![..offset];
            _len = offset;
        }

        if (char.IsHighSurrogate(Span[offset - 1]))
        {
            SetLast('\uFFFD');
            right._str = string.Concat("\uFFFD", right._str.AsSpan(1));
        }

        return right;
    }

    private void SetLast(char c)
    {
        if (_buf is not null)
        {
            _buf[_len - 1] = c;
            _str = null;
        }
        else
        {
            _str = string.Concat(_str.AsSpan(0, _len - 1), c.ToString());
        }
    }

    public override bool Mergeable => true;

    public override bool MergeWith(AbstractContent right)
    {
        var r = ((ContentString)right).Span;
        var needed = _len + r.Length;
        if (_buf is null || _buf.Length < needed)
        {
            var buf = new char[Math.Max(needed, Math.Max(16, _len * 2))];
            Span.CopyTo(buf);
            _buf = buf;
        }

        r.CopyTo(_buf.AsSpan(_len));
        _len = needed;
        _str = null;
        return true;
    }

    /// <summary>Drops spare buffer capacity (keeps memory close to the text size for long-lived documents).</summary>
    public void Trim()
    {
        if (_buf is not null && _buf.Length > _len + 16)
        {
            _str ??= new string(_buf, 0, _len);
            _buf = null;
        }
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        if (offset == 0 && _str is not null)
        {
            encoder.WriteString(_str);
        }
        else
        {
            encoder.WriteString(Span[offset..]);
        }
    }
}
