using System.Globalization;
using System.Numerics;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>Converts the vectors' tagged JSON into the JavaScript value representation of Collab.Yjs.</summary>
internal static class TaggedJson
{
    public static object? ToJs(object? e)
    {
        switch (e)
        {
            case List<object?> list:
                return list.Select(ToJs).ToList();
            case JsObject o:
                {
                    if (o.Count == 1)
                    {
                        if (o.TryGetValue("$undefined", out _))
                        {
                            return JsUndefined.Value;
                        }

                        if (o.TryGetValue("$float", out var f))
                        {
                            return (string)f! switch
                            {
                                "-0" => -0.0,
                                "NaN" => double.NaN,
                                "Infinity" => double.PositiveInfinity,
                                "-Infinity" => double.NegativeInfinity,
                                var s => double.Parse(s, CultureInfo.InvariantCulture),
                            };
                        }

                        if (o.TryGetValue("$bigint", out var b))
                        {
                            var big = BigInteger.Parse((string)b!, CultureInfo.InvariantCulture);
                            return unchecked((long)(ulong)(big & ulong.MaxValue));
                        }

                        if (o.TryGetValue("$binary", out var bin))
                        {
                            return Convert.FromBase64String((string)bin!);
                        }
                    }

                    var obj = new JsObject();
                    foreach (var p in o)
                    {
                        obj.Set(p.Key, ToJs(p.Value));
                    }

                    return obj;
                }

            default:
                return e;
        }
    }
}
