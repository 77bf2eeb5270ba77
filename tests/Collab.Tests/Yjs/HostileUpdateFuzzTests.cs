using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>
/// Well-formed but semantically hostile updates (random origins, parents, keys and content kinds pointing anywhere
/// in an existing document): applying them must never throw anything but <see cref="YjsDecodingException"/>, and
/// the document must stay encodable and readable afterwards.
/// </summary>
public class HostileUpdateFuzzTests
{
    private static readonly string[] Roots = ["map", "array", "text", "xml", ""];

    [Fact]
    public void RandomlyWiredUpdatesNeverBreakTheDocument()
    {
        var v = VectorFiles.Load("content/05-content-types-all-refs.json");
        var baseUpdate = v.Obj("expected").B64("stateAsUpdate");
        var random = new Random(42);
        var trials = int.TryParse(Environment.GetEnvironmentVariable("COLLAB_HOSTILE_TRIALS"), out var t) ? t : 1500;
        var applied = 0;
        var rejected = 0;
        for (var trial = 0; trial < trials; trial++)
        {
            var doc = new Doc(new DocOptions { ClientId = 999, Gc = trial % 2 == 0 });
            if (trial % 3 == 0)
            {
                doc.GetMap("map");
                doc.GetText("text");
            }

            doc.ApplyUpdate(baseUpdate);
            for (var round = 0; round < 3; round++)
            {
                var update = RandomUpdate(random, doc);
                try
                {
                    doc.ApplyUpdate(update);
                    applied++;
                }
                catch (YjsDecodingException)
                {
                    rejected++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"trial {trial}: {Convert.ToHexStringLower(update)} threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }

                try
                {
                    var again = new Doc(new DocOptions { ClientId = 1000 });
                    again.ApplyUpdate(doc.EncodeStateAsUpdate());
                    again.ApplyUpdateV2(doc.EncodeStateAsUpdateV2());
                    foreach (var name in doc.RootNames.ToList())
                    {
                        _ = doc.TryGetRoot(name)!.ToJson();
                    }
                }
                catch (Exception e)
                {
                    Assert.Fail($"trial {trial}: document unusable after {Convert.ToHexStringLower(update)}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{applied} applied, {rejected} rejected");
        Assert.True(applied > trials, $"only {applied} of {trials * 3} hostile updates were well-formed enough to apply");
    }

    private static byte[] RandomUpdate(Random r, Doc doc)
    {
        var sv = doc.GetStateVector();
        var clients = sv.Keys.ToList();
        var e = new Lib0Encoder();
        var blocks = 1 + r.Next(2);
        var used = new HashSet<long>();
        var written = new List<(long Client, long Clock, int Count)>();
        var body = new Lib0Encoder();
        for (var b = 0; b < blocks; b++)
        {
            var client = r.Next(3) == 0 || clients.Count == 0 ? 500 + r.Next(3) : clients[r.Next(clients.Count)];
            if (!used.Add(client))
            {
                continue;
            }

            var clock = sv.TryGetValue(client, out var c) ? c : 0;
            if (r.Next(5) == 0)
            {
                clock += r.Next(3);
            }

            var count = 1 + r.Next(4);
            body.WriteVarUInt((ulong)count);
            body.WriteVarUInt((ulong)client);
            body.WriteVarUInt((ulong)clock);
            for (var i = 0; i < count; i++)
            {
                clock += WriteItem(r, body, client, clock, clients, sv);
            }

            written.Add((client, clock, count));
        }

        e.WriteVarUInt((ulong)written.Count);
        e.WriteBytes(body.WrittenSpan);
        var dsClients = r.Next(3);
        e.WriteVarUInt((ulong)dsClients);
        for (var i = 0; i < dsClients; i++)
        {
            var client = clients.Count == 0 ? 1 : clients[r.Next(clients.Count)];
            e.WriteVarUInt((ulong)client);
            e.WriteVarUInt(1);
            e.WriteVarUInt((ulong)r.Next(40));
            e.WriteVarUInt((ulong)(1 + r.Next(5)));
        }

        return e.ToArray();
    }

    private static ID RandomId(Random r, List<long> clients, Dictionary<long, long> sv, long selfClient, long selfClock)
    {
        if (r.Next(4) == 0 && selfClock > 0)
        {
            return new ID(selfClient, r.Next((int)Math.Min(selfClock, 1000)));
        }

        var client = clients.Count == 0 ? selfClient : clients[r.Next(clients.Count)];
        var max = sv.TryGetValue(client, out var s) ? s : 1;
        return new ID(client, r.Next((int)Math.Max(1, Math.Min(max + 1, 1000))));
    }

    private static int WriteItem(Random r, Lib0Encoder e, long client, long clock, List<long> clients, Dictionary<long, long> sv)
    {
        var contentRef = r.Next(10);
        if (contentRef == 0)
        {
            e.WriteUInt8(0);
            var len = 1 + r.Next(3);
            e.WriteVarUInt((ulong)len);
            return len;
        }

        var hasOrigin = r.Next(2) == 0;
        var hasRight = r.Next(2) == 0;
        var hasSub = r.Next(3) == 0;
        var info = (byte)(contentRef | (hasOrigin ? 0x80 : 0) | (hasRight ? 0x40 : 0) | (hasSub ? 0x20 : 0));
        e.WriteUInt8(info);
        if (hasOrigin)
        {
            var id = RandomId(r, clients, sv, client, clock);
            e.WriteVarUInt((ulong)id.Client);
            e.WriteVarUInt((ulong)id.Clock);
        }

        if (hasRight)
        {
            var id = RandomId(r, clients, sv, client, clock);
            e.WriteVarUInt((ulong)id.Client);
            e.WriteVarUInt((ulong)id.Clock);
        }

        if (!hasOrigin && !hasRight)
        {
            if (r.Next(2) == 0)
            {
                e.WriteVarUInt(1);
                e.WriteVarString(Roots[r.Next(Roots.Length)]);
            }
            else
            {
                e.WriteVarUInt(0);
                var id = RandomId(r, clients, sv, client, clock);
                e.WriteVarUInt((ulong)id.Client);
                e.WriteVarUInt((ulong)id.Clock);
            }

            if (hasSub)
            {
                e.WriteVarString("k" + r.Next(3));
            }
        }

        switch (contentRef)
        {
            case 1:
                {
                    var len = 1 + r.Next(3);
                    e.WriteVarUInt((ulong)len);
                    return len;
                }

            case 2:
                e.WriteVarUInt(2);
                e.WriteVarString("1");
                e.WriteVarString("undefined");
                return 2;
            case 3:
                e.WriteVarUInt8Array([1, 2]);
                return 1;
            case 4:
                {
                    var s = r.Next(2) == 0 ? "ab" : "\ud83d\ude00x";
                    e.WriteVarString(s);
                    return s.Length;
                }

            case 5:
                e.WriteVarString("{\"a\":1}");
                return 1;
            case 6:
                e.WriteVarString(r.Next(2) == 0 ? "bold" : "italic");
                e.WriteVarString(r.Next(2) == 0 ? "true" : "null");
                return 1;
            case 7:
                {
                    var typeRef = r.Next(7);
                    e.WriteVarUInt((ulong)typeRef);
                    if (typeRef is 3 or 5)
                    {
                        e.WriteVarString("n");
                    }

                    return 1;
                }

            case 8:
                e.WriteVarUInt(2);
                AnyCodec.Write(e, 1.0);
                AnyCodec.Write(e, "x");
                return 2;
            default:
                e.WriteVarString("guid" + r.Next(3));
                AnyCodec.Write(e, new JsObject());
                return 1;
        }
    }
}
