using System.Globalization;
using System.Text;

namespace Collab.Yjs.Lib0;

/// <summary>A small recursive-descent JSON parser with JavaScript semantics.</summary>
internal sealed class JsJsonParser(string text)
{
    private int _pos;

    public object? ParseDocument()
    {
        SkipWs();
        var v = ParseValue(0);
        SkipWs();
        if (_pos != text.Length)
        {
            throw Error();
        }

        return v;
    }

    private YjsDecodingException Error() => new($"Invalid JSON text at position {_pos}.");

    private void SkipWs()
    {
        while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r')
        {
            _pos++;
        }
    }

    private object? ParseValue(int depth)
    {
        if (depth > 512 || _pos >= text.Length)
        {
            throw Error();
        }

        var c = text[_pos];
        switch (c)
        {
            case '{': return ParseObject(depth);
            case '[': return ParseArray(depth);
            case '"': return ParseString();
            case 't': Expect("true"); return true;
            case 'f': Expect("false"); return false;
            case 'n': Expect("null"); return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ParseNumber();
                }

                throw Error();
        }
    }

    private void Expect(string word)
    {
        if (string.CompareOrdinal(text, _pos, word, 0, word.Length) != 0)
        {
            throw Error();
        }

        _pos += word.Length;
    }

    private JsObject ParseObject(int depth)
    {
        _pos++;
        var obj = new JsObject();
        SkipWs();
        if (_pos < text.Length && text[_pos] == '}')
        {
            _pos++;
            return obj;
        }

        while (true)
        {
            SkipWs();
            if (_pos >= text.Length || text[_pos] != '"')
            {
                throw Error();
            }

            var key = ParseString();
            SkipWs();
            if (_pos >= text.Length || text[_pos] != ':')
            {
                throw Error();
            }

            _pos++;
            SkipWs();
            obj.Set(key, ParseValue(depth + 1));
            SkipWs();
            if (_pos >= text.Length)
            {
                throw Error();
            }

            if (text[_pos] == ',')
            {
                _pos++;
                continue;
            }

            if (text[_pos] == '}')
            {
                _pos++;
                return obj;
            }

            throw Error();
        }
    }

    private List<object?> ParseArray(int depth)
    {
        _pos++;
        var list = new List<object?>();
        SkipWs();
        if (_pos < text.Length && text[_pos] == ']')
        {
            _pos++;
            return list;
        }

        while (true)
        {
            SkipWs();
            list.Add(ParseValue(depth + 1));
            SkipWs();
            if (_pos >= text.Length)
            {
                throw Error();
            }

            if (text[_pos] == ',')
            {
                _pos++;
                continue;
            }

            if (text[_pos] == ']')
            {
                _pos++;
                return list;
            }

            throw Error();
        }
    }

    private string ParseString()
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= text.Length)
            {
                throw Error();
            }

            var c = text[_pos++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c < 0x20)
            {
                throw Error();
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (_pos >= text.Length)
            {
                throw Error();
            }

            var e = text[_pos++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > text.Length || !int.TryParse(text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error();
                    }

                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default: throw Error();
            }
        }
    }

    private double ParseNumber()
    {
        var start = _pos;
        if (text[_pos] == '-')
        {
            _pos++;
        }

        if (_pos >= text.Length)
        {
            throw Error();
        }

        if (text[_pos] == '0')
        {
            _pos++;
        }
        else if (text[_pos] is >= '1' and <= '9')
        {
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }
        }
        else
        {
            throw Error();
        }

        if (_pos < text.Length && text[_pos] == '.')
        {
            _pos++;
            var digitsStart = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }

            if (_pos == digitsStart)
            {
                throw Error();
            }
        }

        if (_pos < text.Length && text[_pos] is 'e' or 'E')
        {
            _pos++;
            if (_pos < text.Length && text[_pos] is '+' or '-')
            {
                _pos++;
            }

            var digitsStart = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }

            if (_pos == digitsStart)
            {
                throw Error();
            }
        }

        return double.Parse(text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
