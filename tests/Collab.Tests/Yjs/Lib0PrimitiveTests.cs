using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

public class Lib0PrimitiveTests
{
    private static readonly Lazy<JsObject> File = new(() => VectorFiles.Load("lib0-primitives.json"));

    private static IEnumerable<JsObject> Cases(string key) => File.Value.List(key).Cast<JsObject>();

    private static string Hex(Lib0Encoder e) => Convert.ToHexStringLower(e.WrittenSpan);

    private static Lib0Decoder Dec(string hex) => new(Convert.FromHexString(hex));

    [Fact]
    public void VarUintMatchesLib0InBothDirections()
    {
        foreach (var c in Cases("varUint"))
        {
            var v = (ulong)(double)c.Get("value")!;
            var e = new Lib0Encoder();
            e.WriteVarUInt(v);
            Assert.Equal(c.Str("hex"), Hex(e));
            Assert.Equal(v, Dec(c.Str("hex")).ReadVarUInt());
        }
    }

    [Fact]
    public void VarIntMatchesLib0IncludingNegativeZero()
    {
        foreach (var c in Cases("varInt"))
        {
            var d = (double)TaggedJson.ToJs(c.Get("value"))!;
            var neg = d < 0 || double.IsNegative(d);
            var e = new Lib0Encoder();
            e.WriteVarInt((ulong)Math.Abs(d), neg);
            Assert.Equal(c.Str("hex"), Hex(e));
            var m = Dec(c.Str("hex")).ReadVarIntMagnitude(out var readNeg);
            Assert.Equal((ulong)Math.Abs(d), m);
            Assert.Equal(neg, readNeg);
        }
    }

    [Fact]
    public void VarStringWritesUtf8AndReplacesLoneSurrogates()
    {
        foreach (var c in Cases("varString"))
        {
            var s = c.Str("value");
            var e = new Lib0Encoder();
            e.WriteVarString(s);
            Assert.Equal(c.Str("hex"), Hex(e));
            var back = Dec(c.Str("hex")).ReadVarString();
            if (!c.ContainsKey("note"))
            {
                Assert.Equal(s, back);
            }
        }
    }

    [Fact]
    public void FixedWidthNumbersAreBigEndian()
    {
        foreach (var c in Cases("float32"))
        {
            var e = new Lib0Encoder();
            e.WriteFloat32((float)(double)c.Get("value")!);
            Assert.Equal(c.Str("hex"), Hex(e));
            Assert.Equal((float)(double)c.Get("value")!, Dec(c.Str("hex")).ReadFloat32());
        }

        foreach (var c in Cases("float64"))
        {
            var e = new Lib0Encoder();
            e.WriteFloat64((double)c.Get("value")!);
            Assert.Equal(c.Str("hex"), Hex(e));
            Assert.Equal((double)c.Get("value")!, Dec(c.Str("hex")).ReadFloat64());
        }

        foreach (var c in Cases("bigInt64"))
        {
            var v = (long)TaggedJson.ToJs(c.Get("value"))!;
            var e = new Lib0Encoder();
            e.WriteBigInt64(v);
            Assert.Equal(c.Str("hex"), Hex(e));
            Assert.Equal(v, Dec(c.Str("hex")).ReadBigInt64());
        }
    }

    [Fact]
    public void AnyEncodingMatchesLib0InBothDirections()
    {
        foreach (var c in Cases("any"))
        {
            var value = TaggedJson.ToJs(c.Get("value"));
            var e = new Lib0Encoder();
            AnyCodec.Write(e, value);
            var hex = c.Str("hex");
            Assert.Equal(hex, Hex(e));
            var decoded = AnyCodec.Read(Dec(hex));
            var expected = TaggedJson.ToJs(c.Get("decoded"));
            Assert.True(JsValue.DeepEquals(expected, decoded), hex);
            if (expected is double d && !double.IsNaN(d))
            {
                Assert.Equal(double.IsNegative(d), double.IsNegative((double)decoded!));
            }

            var again = new Lib0Encoder();
            AnyCodec.Write(again, decoded);
            Assert.Equal(hex, Hex(again));
        }
    }

    [Fact]
    public void ColumnCodecsMatchLib0InBothDirections()
    {
        foreach (var c in Cases("rleUint8"))
        {
            var values = c.List("values").Select(v => (byte)(double)v!).ToList();
            var enc = new RleEncoder();
            values.ForEach(enc.Write);
            var hex = c.Str("hex");
            Assert.Equal(hex, Convert.ToHexStringLower(enc.Span));
            var dec = new RleDecoder(Dec(hex));
            Assert.Equal(values, values.Select(_ => dec.Read()).ToList());
        }

        foreach (var c in Cases("uintOptRle"))
        {
            var values = c.List("values").Select(v => (ulong)(double)v!).ToList();
            var enc = new UintOptRleEncoder();
            values.ForEach(enc.Write);
            var hex = c.Str("hex");
            Assert.Equal(hex, Convert.ToHexStringLower(enc.Finish()));
            var dec = new UintOptRleDecoder(Dec(hex));
            Assert.Equal(values, values.Select(_ => dec.Read()).ToList());
        }

        foreach (var c in Cases("intDiffOptRle"))
        {
            var values = c.List("values").Select(v => (long)(double)v!).ToList();
            var enc = new IntDiffOptRleEncoder();
            values.ForEach(enc.Write);
            var hex = c.Str("hex");
            Assert.Equal(hex, Convert.ToHexStringLower(enc.Finish()));
            var dec = new IntDiffOptRleDecoder(Dec(hex));
            Assert.Equal(values, values.Select(_ => dec.Read()).ToList());
        }

        foreach (var c in Cases("stringEncoder"))
        {
            var values = c.List("values").Select(v => (string)v!).ToList();
            var enc = new StringColumnEncoder();
            values.ForEach(enc.Write);
            var hex = c.Str("hex");
            Assert.Equal(hex, Convert.ToHexStringLower(enc.Finish()));
            var dec = new StringColumnDecoder(Dec(hex));
            Assert.Equal(values, values.Select(_ => dec.Read()).ToList());
        }
    }

    [Theory]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(123.456, "123.456")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(-0.0, "0")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(123456789012345680000.0, "123456789012345680000")]
    public void NumbersPrintLikeJavaScript(double value, string expected) =>
        Assert.Equal(expected, JsJson.FormatNumber(value));

    [Fact]
    public void JsonTextUsesJavaScriptKeyOrderAndEscaping()
    {
        var o = new JsObject { ["b"] = 1.0, ["10"] = 2.0, ["2"] = 3.0, ["a"] = "x\n\u2028\ud800" };
        Assert.Equal("{\"2\":3,\"10\":2,\"b\":1,\"a\":\"x\\n\u2028\\ud800\"}", JsJson.Stringify(o));
        Assert.True(JsValue.DeepEquals(o, JsJson.Parse(JsJson.Stringify(o))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("ffffffffffffffffffff01")]
    [InlineData("ff")]
    public void TruncatedOrOverflowingVarUintThrowsTypedException(string hex) =>
        Assert.Throws<YjsDecodingException>(() => Dec(hex).ReadVarUInt());

    [Fact]
    public void HugeLengthsAndInvalidUtf8ThrowTypedException()
    {
        Assert.Throws<YjsDecodingException>(() => Dec("ffffffff0f41").ReadVarString());
        Assert.Throws<YjsDecodingException>(() => Dec("ffffffff0f41").ReadVarUInt8Array());
        Assert.Throws<YjsDecodingException>(() => Dec("02c328").ReadVarString());
        Assert.Throws<YjsDecodingException>(() => AnyCodec.Read(Dec("75ffffff7f")));
        Assert.Throws<YjsDecodingException>(() => AnyCodec.Read(Dec("01")));
    }
}
