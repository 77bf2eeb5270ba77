using Collab.SyncServer.Connections.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Collab.Tests.SyncServer.Protocol;

public sealed class CompactHeaderDictionaryTests
{
    /// <summary>The same operations on ASP.NET Core's HeaderDictionary and on ours give the same observations.</summary>
    [Fact]
    public void BehavesLikeHeaderDictionary()
    {
        var theirs = Script(new HeaderDictionary());
        var ours = Script(new CompactHeaderDictionary(2));
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void TypedAccessorsAndContentLengthWork()
    {
        IHeaderDictionary headers = new CompactHeaderDictionary(0);
        headers["host"] = "example.org";
        headers["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ==";
        headers.ContentLength = 42;

        Assert.Equal("example.org", headers.Host.ToString());
        Assert.Equal("dGhlIHNhbXBsZSBub25jZQ==", headers.SecWebSocketKey.ToString());
        Assert.Equal(42, headers.ContentLength);
        Assert.Equal("42", headers["content-length"].ToString());
        headers.ContentLength = null;
        Assert.Null(headers.ContentLength);
        Assert.False(headers.ContainsKey("Content-Length"));
        Assert.Throws<KeyNotFoundException>(() => ((IDictionary<string, StringValues>)headers)["missing"]);
    }

    private static List<string> Script(IHeaderDictionary headers)
    {
        var log = new List<string>();
        void Observe(string step) => log.Add(
            $"{step}: {headers.Count} [{string.Join("; ", headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => $"{h.Key.ToLowerInvariant()}={h.Value}"))}]");

        headers["Host"] = "a";
        headers["Upgrade"] = "websocket";
        headers["Connection"] = "Upgrade";
        Observe("three");
        headers["host"] = StringValues.Concat(headers["HOST"], "b");
        Observe("appended");
        log.Add($"missing: '{headers["X-Missing"]}' {headers["X-Missing"].Count}");
        log.Add($"contains: {headers.ContainsKey("UPGRADE")} {headers.ContainsKey("nope")}");
        log.Add($"tryget: {headers.TryGetValue("connection", out var c)} {c}");
        headers["Upgrade"] = StringValues.Empty;
        Observe("emptied");
#pragma warning disable ASP0019 // Add's duplicate-key behaviour is what is compared here
        headers.Add("X-One", "1");
        log.Add($"duplicate add throws: {Throws(() => headers.Add("x-one", "2"))}");
#pragma warning restore ASP0019
        log.Add($"remove: {headers.Remove("X-ONE")} {headers.Remove("X-ONE")}");
        headers.Add(new KeyValuePair<string, StringValues>("X-Two", new StringValues(["2", "3"])));
        log.Add($"contains pair: {headers.Contains(new("x-two", new StringValues(["2", "3"])))} {headers.Contains(new("x-two", "2"))}");
        log.Add($"remove pair: {headers.Remove(new KeyValuePair<string, StringValues>("X-Two", "nope"))} {headers.Remove(new KeyValuePair<string, StringValues>("X-Two", new StringValues(["2", "3"])))}");
        for (var i = 0; i < 10; i++)
        {
            headers[$"X-{i}"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Observe("many");
        var copy = new KeyValuePair<string, StringValues>[headers.Count + 1];
        headers.CopyTo(copy, 1);
        log.Add($"copied: {copy.Skip(1).Count(kv => kv.Key is not null)} keys {headers.Keys.Count} values {headers.Values.Count}");
        headers.Clear();
        Observe("cleared");
        return log;
    }

    private static bool Throws(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
