using Collab.SyncServer.Connections;

namespace Collab.Tests.SyncServer.Protocol;

public sealed class AddressMapTests
{
    /// <summary>Random operations on the map and on a Dictionary give the same answers.</summary>
    [Fact]
    public void BehavesLikeADictionary()
    {
        var random = new Random(11);
        var map = default(AddressMap<string>);
        var reference = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] keys = ["doc", "other", "third", "Doc"];
        for (var step = 0; step < 5000; step++)
        {
            var key = keys[random.Next(keys.Length)];
            switch (random.Next(3))
            {
                case 0:
                    var value = $"v{step}";
                    map.Set(key, value);
                    reference[key] = value;
                    break;
                case 1:
                    Assert.Equal(reference.Remove(key), map.Remove(key));
                    break;
                default:
                    Assert.Equal(reference.TryGetValue(key, out var expected), map.TryGetValue(key, out var actual));
                    Assert.Equal(expected, actual);
                    break;
            }

            Assert.Equal(reference.Count, map.Count);
            Assert.Equal(reference.Keys.Order(StringComparer.Ordinal), map.Keys().Order(StringComparer.Ordinal));
            Assert.Equal(reference.Values.Order(StringComparer.Ordinal), map.Values().Order(StringComparer.Ordinal));
        }
    }
}
