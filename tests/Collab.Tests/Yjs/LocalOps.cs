using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>Applies the operations of <see cref="LocalEditScript"/> through the Collab.Yjs editing API.</summary>
internal static class LocalOps
{
    public static void Apply(Doc doc, List<object?> op)
    {
        var name = (string)op[0]!;
        var path = (List<object?>)op[1]!;
        if (path.Count == 1)
        {
            // The JavaScript side looks the target up in an object literal that requests all four roots.
            doc.GetText("t");
            doc.GetMap("m");
            doc.GetArray("a");
            doc.GetXmlFragment("x");
        }

        var target = path.Count == 1
            ? (string)path[0]! switch
            {
                "t" => (AbstractType)doc.GetText("t"),
                "m" => doc.GetMap("m"),
                "a" => doc.GetArray("a"),
                _ => doc.GetXmlFragment("x"),
            }
            : (AbstractType)doc.GetMap("m").Get((string)path[1]!)!;
        int I(int i) => (int)(double)op[i]!;
        switch (name)
        {
            case "insert":
                ((YText)target).Insert(I(2), (string)op[3]!, op[4] as JsObject);
                break;
            case "delete":
                ((YText)target).Delete(I(2), I(3));
                break;
            case "format":
                ((YText)target).Format(I(2), I(3), (JsObject)op[4]!);
                break;
            case "insertEmbed":
                ((YText)target).InsertEmbed(I(2), op[3]!, op[4] as JsObject);
                break;
            case "setAttribute":
                ((YText)target).SetAttribute((string)op[2]!, op[3]);
                break;
            case "mapDelete":
                ((YMap)target).Delete((string)op[2]!);
                break;
            case "mapSetType":
                ((YMap)target).Set((string)op[2]!, (string)op[3]! switch
                {
                    "text" => new YText("init"),
                    "map" => new YMap(),
                    _ => (AbstractType)new YArray(),
                });
                break;
            case "mapSet":
                ((YMap)target).Set((string)op[2]!, op[3]);
                break;
            case "arrayDelete":
                ((YArray)target).Delete(I(2), I(3));
                break;
            case "arrayPush":
                ((YArray)target).Push((List<object?>)op[2]!);
                break;
            case "arrayInsert":
                ((YArray)target).Insert(I(2), (List<object?>)op[3]!);
                break;
            case "applyDelta":
                ((YText)target).ApplyDelta(((List<object?>)op[2]!).Cast<JsObject>().ToList());
                break;
            case "arrayInsertType":
                {
                    AbstractType v = (string)op[3]! switch
                    {
                        "map" => new YMap(),
                        "array" => new YArray(),
                        _ => new YText("pre"),
                    };
                    if (v is YMap m)
                    {
                        m.Set("k", 1);
                    }

                    if (v is YArray arr)
                    {
                        arr.Push(new List<object?> { 1, 2 });
                    }

                    ((YArray)target).Insert(I(2), new List<object?> { v });
                    break;
                }

            case "xmlDelete":
                ((YXmlFragment)target).Delete(I(2), 1);
                break;
            case "xmlInsertText":
                ((YXmlFragment)target).Insert(I(2), new List<object?> { new YXmlText((string)op[3]!) });
                break;
            case "xmlInsertElement":
                {
                    var e = new YXmlElement((string)op[3]!);
                    e.SetAttribute("k", op[4]);
                    ((YXmlFragment)target).Insert(I(2), new List<object?> { e });
                    break;
                }

            default:
                throw new InvalidOperationException(name);
        }
    }
}
