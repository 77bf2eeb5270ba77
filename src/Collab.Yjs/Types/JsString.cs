using System.Collections;
using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>JavaScript <c>String(value)</c> conversion for the XML renderers.</summary>
internal static class JsString
{
    public static string Convert(object? v)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (JsValue.TryGetNumber(v, out var d))
        {
            return JsJson.FormatNumber(d);
        }

        return v switch
        {
            null => "null",
            JsUndefined => "undefined",
            string s => s,
            bool b => b ? "true" : "false",
            long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
            byte[] bytes => string.Join(',', bytes),
            YText t => t.ToString(),
            YXmlFragment f => f.ToString(),
            IList list => string.Join(',', list.Cast<object?>().Select(x => x is null or JsUndefined ? string.Empty : Convert(x))),
            _ => "[object Object]",
        };
    }

    /// <summary>Keys a JavaScript <c>for…in</c> loop visits for a value.</summary>
    public static IEnumerable<(string Key, object? Value)> ForIn(object? v)
    {
        switch (v)
        {
            case JsObject o:
                foreach (var (k, val) in o)
                {
                    yield return (k, val);
                }

                break;
            case string s:
                for (var i = 0; i < s.Length; i++)
                {
                    yield return (i.ToString(System.Globalization.CultureInfo.InvariantCulture), s[i].ToString());
                }

                break;
            case byte[] bytes:
                for (var i = 0; i < bytes.Length; i++)
                {
                    yield return (i.ToString(System.Globalization.CultureInfo.InvariantCulture), (double)bytes[i]);
                }

                break;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                {
                    yield return (i.ToString(System.Globalization.CultureInfo.InvariantCulture), list[i]);
                }

                break;
        }
    }
}
