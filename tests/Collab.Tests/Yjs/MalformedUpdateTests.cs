using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

public class MalformedUpdateTests
{
    private static readonly string[] SampleFiles =
    [
        "text/07-text-multi-op-transaction.json",
        "content/01-content-any-edge-values.json",
        "content/05-content-types-all-refs.json",
        "content/06-content-subdocuments.json",
        "xml/01-xml-elements-attributes-text.json",
        "richtext/01-richtext-format-basic.json",
        "pending/05-pending-duplicates-and-full-states.json",
    ];

    private static IEnumerable<(byte[] Base, byte[] Update, bool V2, string Label)> Samples()
    {
        foreach (var file in SampleFiles)
        {
            var v = VectorFiles.Load(file);
            var updates = v.List("updates").Cast<JsObject>().ToList();
            var full = v.Obj("expected").B64("stateAsUpdate");
            var fullV2 = v.Obj("expected").Has("stateAsUpdateV2") ? v.Obj("expected").B64("stateAsUpdateV2") : null;
            var baseUpdate = updates[0].B64("v1");
            yield return (baseUpdate, full, false, file + " full");
            if (fullV2 is not null)
            {
                yield return (baseUpdate, fullV2, true, file + " full v2");
            }

            if (updates.Count > 1)
            {
                yield return (baseUpdate, updates[^1].B64("v1"), false, file + " last");
            }
        }
    }

    private static Doc NewDoc(byte[] baseUpdate)
    {
        var doc = new Doc(new DocOptions { ClientId = 424242 });
        doc.ApplyUpdate(baseUpdate);
        return doc;
    }

    private static void ApplyExpectingCleanFailure(Doc doc, byte[] update, bool v2, string label)
    {
        var before = doc.EncodeStateAsUpdate();
        var svBefore = doc.EncodeStateVector();
        var events = 0;
        void Handler(object? s, UpdateEventArgs e) => events++;
        doc.Update += Handler;
        try
        {
            if (v2)
            {
                doc.ApplyUpdateV2(update);
            }
            else
            {
                doc.ApplyUpdate(update);
            }

            doc.EncodeStateAsUpdate();
            doc.EncodeStateAsUpdateV2();
        }
        catch (YjsDecodingException)
        {
            Assert.True(before.AsSpan().SequenceEqual(doc.EncodeStateAsUpdate()), label + ": document changed after a rejected update");
            Assert.True(svBefore.AsSpan().SequenceEqual(doc.EncodeStateVector()), label);
            Assert.Equal(0, events);
        }
        catch (Exception e)
        {
            Assert.Fail($"{label}: {Convert.ToHexStringLower(update)} threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
        finally
        {
            doc.Update -= Handler;
        }
    }

    [Fact]
    public void EveryTruncationIsRejectedOrAppliedWithoutCorruption()
    {
        foreach (var (baseUpdate, update, v2, label) in Samples())
        {
            for (var len = 0; len < update.Length; len++)
            {
                ApplyExpectingCleanFailure(NewDoc(baseUpdate), update[..len], v2, $"{label} truncated to {len}");
            }
        }
    }

    [Fact]
    public void RandomByteCorruptionNeverCrashesOrHalfApplies()
    {
        var random = new Random(1234);
        var trials = int.TryParse(Environment.GetEnvironmentVariable("COLLAB_CORRUPTION_TRIALS"), out var t) ? t : 300;
        foreach (var (baseUpdate, update, v2, label) in Samples())
        {
            for (var trial = 0; trial < trials; trial++)
            {
                var copy = (byte[])update.Clone();
                var flips = 1 + random.Next(3);
                for (var f = 0; f < flips; f++)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                ApplyExpectingCleanFailure(NewDoc(baseUpdate), copy, v2, $"{label} corrupted #{trial}");
            }
        }
    }

    [Fact]
    public void RandomBytesAreRejectedCleanly()
    {
        var random = new Random(99);
        for (var trial = 0; trial < 2000; trial++)
        {
            var bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            ApplyExpectingCleanFailure(new Doc(new DocOptions { ClientId = 1 }), bytes, trial % 2 == 0, $"random #{trial}");
        }
    }

    [Theory]
    [InlineData("01ffffffff0f0100")]
    [InlineData("0101010004ffffffff0f")]
    [InlineData("010101000401ffffffff0f")]
    [InlineData("0101010008010374787401ffffffff0f")]
    [InlineData("01ffffffffffffff7f0100")]
    public void HugeCountsAndLengthsAreRejectedWithoutAllocating(string hex)
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        Assert.Throws<YjsDecodingException>(() => doc.ApplyUpdate(Convert.FromHexString(hex)));
        Assert.Equal([0], doc.EncodeStateVector());
    }

    [Fact]
    public void InvalidUtf8InAStringIsRejected()
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        Assert.Throws<YjsDecodingException>(() => doc.ApplyUpdate(Convert.FromHexString("010101000401036463630280ff00")));
        Assert.Equal([0], doc.EncodeStateVector());
    }

    [Theory]
    [InlineData(11)]
    [InlineData(15)]
    [InlineData(31)]
    public void UnknownContentRefsAreRejected(int contentRef)
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        var update = new byte[] { 1, 1, 1, 0, (byte)contentRef, 1, 1, 0x74, 0, 0, 0 };
        Assert.Throws<YjsDecodingException>(() => doc.ApplyUpdate(update));
        Assert.Equal([0], doc.EncodeStateVector());
    }

    [Fact]
    public void AFailingUpdateAfterAValidPrefixLeavesTheDocumentUntouched()
    {
        var doc = new Doc(new DocOptions { ClientId = 7 });
        doc.GetText("t").Insert(0, "hello");
        var before = doc.EncodeStateAsUpdate();
        var other = new Doc(new DocOptions { ClientId = 8 });
        other.ApplyUpdate(before);
        other.GetText("t").Insert(5, " world");
        var update = other.EncodeStateAsUpdate(doc.EncodeStateVector());
        Assert.Throws<YjsDecodingException>(() => doc.ApplyUpdate(update[..^1]));
        Assert.Equal("hello", doc.GetText("t").ToString());
        Assert.Equal(before, doc.EncodeStateAsUpdate());
        doc.ApplyUpdate(update);
        Assert.Equal("hello world", doc.GetText("t").ToString());
    }
}

public class DeepNestingTests
{
    [Fact]
    public void DeletingAndCollectingAVeryDeepTypeTreeDoesNotOverflowTheStack()
    {
        var source = new Doc(new DocOptions { ClientId = 3 });
        var current = source.GetArray("root");
        source.Transact(_ =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                var next = new YArray();
                current.Insert(0, new List<object?> { next });
                current = next;
            }
        });
        var update = source.EncodeStateAsUpdate();
        var receiver = new Doc(new DocOptions { ClientId = 4 });
        receiver.ApplyUpdate(update);
        Assert.Equal(1, receiver.GetArray("root").Length);
        // on a thread with a known 1 MiB stack: 100,000 levels never fit, whichever thread runs the test (the runner's
        // threads and the main thread have different stack sizes, so on some of them ToJson could succeed)
        Exception? thrown = null;
        var thread = new Thread(() => thrown = Record.Exception(() => receiver.GetArray("root").ToJson()), 1024 * 1024);
        thread.Start();
        thread.Join();
        Assert.IsType<InsufficientExecutionStackException>(thrown);
        receiver.GetArray("root").Delete(0, 1);
        Assert.Equal(0, receiver.GetArray("root").Length);
        var again = new Doc(new DocOptions { ClientId = 5 });
        again.ApplyUpdate(receiver.EncodeStateAsUpdate());
        Assert.Equal(0, again.GetArray("root").Length);
        Assert.True(receiver.EncodeStateAsUpdate().Length < update.Length / 10);
    }
}

public class LargeInputTests
{
    [Fact]
    public void ObjectsWithVeryManyKeysDecodeWithoutQuadraticCost()
    {
        var o = new JsObject();
        var random = new Random(5);
        for (var i = 0; i < 100_000; i++)
        {
            o.Set(random.Next(2) == 0 ? random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) : "k" + i, (double)i);
        }

        var e = new Lib0Encoder();
        AnyCodec.Write(e, o);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var back = (JsObject)AnyCodec.Read(new Lib0Decoder(e.ToArray()))!;
        Assert.Equal(o.Count, back.Count);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), sw.Elapsed.ToString());
        Assert.True(JsValue.DeepEquals(o, back));
    }

    [Fact]
    public void ATransactionSettingManyMapKeysStaysFast()
    {
        var a = new Doc(new DocOptions { ClientId = 1 });
        var map = a.GetMap("m");
        a.Transact(_ =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                map.Set("key" + i, i);
            }
        });
        var b = new Doc(new DocOptions { ClientId = 2 });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        b.ApplyUpdate(a.EncodeStateAsUpdate());
        Assert.Equal(50_000, b.GetMap("m").Size);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), sw.Elapsed.ToString());
    }
}
