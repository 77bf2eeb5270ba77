using System.Globalization;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

public class UpdateFunctionVectorTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in VectorFiles.Load("update-functions.json").List("cases").Cast<JsObject>())
        {
            data.Add(c.Str("name"));
        }

        return data;
    }

    private static byte[] B(object? s) => Convert.FromBase64String((string)s!);

    [Theory]
    [MemberData(nameof(Cases))]
    public void UpdateFunctionMatchesRealYjs(string name)
    {
        var c = VectorFiles.Load("update-functions.json").List("cases").Cast<JsObject>().Single(x => x.Str("name") == name);
        switch (c.Str("fn"))
        {
            case "mergeUpdates":
                Assert.Equal(c.B64("output"), YUpdates.MergeUpdates(c.List("inputs").Select(B).ToList()));
                if (c.Get("v2") is JsObject m2)
                {
                    Assert.Equal(m2.B64("output"), YUpdates.MergeUpdatesV2(m2.List("inputs").Select(B).ToList()));
                }

                break;
            case "diffUpdate":
                Assert.Equal(c.B64("output"), YUpdates.DiffUpdate(c.B64("input"), c.B64("stateVector")));
                if (c.Get("v2") is JsObject d2)
                {
                    Assert.Equal(d2.B64("output"), YUpdates.DiffUpdateV2(d2.B64("input"), c.B64("stateVector")));
                }

                break;
            case "encodeStateVectorFromUpdate":
                Assert.Equal(c.B64("output"), YUpdates.EncodeStateVectorFromUpdate(c.B64("input")));
                if (c.Get("v2") is JsObject s2)
                {
                    Assert.Equal(s2.B64("output"), YUpdates.EncodeStateVectorFromUpdateV2(s2.B64("input")));
                }

                break;
            case "parseUpdateMeta":
                {
                    var (from, to) = YUpdates.ParseUpdateMeta(c.B64("input"));
                    var output = c.Obj("output");
                    Assert.True(JsValue.DeepEquals(output.Get("from"), ToObj(from)));
                    Assert.True(JsValue.DeepEquals(output.Get("to"), ToObj(to)));
                    break;
                }

            case "convertUpdateFormatV1ToV2":
                Assert.Equal(c.B64("output"), YUpdates.ConvertUpdateFormatV1ToV2(c.B64("input")));
                Assert.Equal(c.B64("roundTripV1"), YUpdates.ConvertUpdateFormatV2ToV1(c.B64("output")));
                break;
            default:
                Assert.Fail("unknown fn " + c.Str("fn"));
                break;
        }
    }

    private static JsObject ToObj(IReadOnlyDictionary<long, long> d)
    {
        var o = new JsObject();
        foreach (var (k, v) in d)
        {
            o.Set(k.ToString(CultureInfo.InvariantCulture), (double)v);
        }

        return o;
    }
}
