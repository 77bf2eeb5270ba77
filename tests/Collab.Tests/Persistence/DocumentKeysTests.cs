using System.Text;
using Collab.Persistence.Storage;

namespace Collab.Tests.Persistence;

public sealed class DocumentKeysTests
{
    private static IEnumerable<string> Names()
    {
        foreach (var name in DocumentStoreContractTests.AwkwardNames)
        {
            yield return name;
        }

        var random = new Random(42);
        for (var i = 0; i < 500; i++)
        {
            var builder = new StringBuilder();
            var length = random.Next(0, i % 10 == 0 ? 400 : 12);
            while (builder.Length < length)
            {
                builder.Append(random.Next(6) switch
                {
                    0 => (char)random.Next('a', 'z' + 1),
                    1 => (char)random.Next('A', 'Z' + 1),
                    2 => "_~-./\\%:"[random.Next(8)],
                    3 => (char)random.Next(0x80, 0x800),
                    4 => char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF)),
                    _ => (char)random.Next(0, 0x20),
                });
            }

            yield return builder.ToString();
        }
    }

    [Fact]
    public void KeysHoldOnlySafeLowerCaseCharactersWithinTheLengthBound()
    {
        foreach (var name in Names())
        {
            var key = DocumentKeys.Encode(name);
            Assert.Matches("^[a-z0-9_-]*(~[0-9a-f]{64})?$", key);
            Assert.InRange(key.Length, 1, DocumentKeys.ReadablePrefixLength + 65);
            Assert.False(key is "." or "..");
        }
    }

    [Fact]
    public void DistinctNamesGetKeysThatDifferEvenIgnoringCase()
    {
        var names = Names().Distinct(StringComparer.Ordinal).ToList();

        var keys = names.Select(DocumentKeys.Encode).ToList();

        Assert.Equal(names.Count, keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void PlainKeysDecodeToTheirNameAndHashedOnesKeepAReadableStart()
    {
        foreach (var name in Names())
        {
            var key = DocumentKeys.Encode(name);
            if (DocumentKeys.IsHashed(key))
            {
                Assert.True(name.Length == 0 || Encoding.UTF8.GetByteCount(name) > 66, $"\"{name}\" was hashed");
                Assert.True(Encoding.UTF8.GetBytes(name).AsSpan().StartsWith(DocumentKeys.DecodeBytes(key)));
            }
            else
            {
                Assert.Equal(name, DocumentKeys.TryDecode(key));
            }
        }
    }

    [Theory]
    [InlineData("con", "_63on")]
    [InlineData("COM1", "_43_4f_4d1")]
    [InlineData("Notes/ä", "_4eotes_2f_c3_a4")]
    [InlineData("../x", "_2e_2e_2fx")]
    [InlineData("plain-name-42", "plain-name-42")]
    public void KeysFollowTheDocumentedScheme(string name, string key) => Assert.Equal(key, DocumentKeys.Encode(name));

    [Fact]
    public void KeysThatAreNotCanonicalAreNotDecoded()
    {
        Assert.Null(DocumentKeys.TryDecode("_61"));   // "a" is written plain
        Assert.Null(DocumentKeys.TryDecode("con"));   // written escaped
        Assert.Null(DocumentKeys.TryDecode("_4"));
        Assert.Null(DocumentKeys.TryDecode("Upper"));
        Assert.Null(DocumentKeys.TryDecode("_ff"));   // not UTF-8
        Assert.Null(DocumentKeys.DecodeBytes("x~notahash"));
    }

    [Fact]
    public void TheKeyPrefixOfANamePrefixStartsTheKeyOfEveryNameWithIt()
    {
        var names = Names().ToList();
        foreach (var name in names.Where(n => n.Length > 0).Take(200))
        {
            var key = DocumentKeys.Encode(name);
            foreach (var cut in new[] { 1, 2, 3, name.Length / 2, name.Length })
            {
                var prefix = name[..Math.Min(Math.Max(cut, 1), name.Length)];
                if (char.IsHighSurrogate(prefix[^1]))
                {
                    continue;
                }

                Assert.StartsWith(DocumentKeys.KeyPrefix(prefix), key, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void NamesOrderByCodePointLikeTheirUtf8Bytes()
    {
        var names = Names().Distinct(StringComparer.Ordinal).ToList();

        var byOrder = names.Order(DocumentKeys.NameOrder).ToList();
        var byBytes = names.OrderBy(n => Encoding.UTF8.GetBytes(n), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();

        Assert.Equal(byBytes, byOrder);
    }

    [Fact]
    public void NamesWithoutAUtf8FormOrTooLongAreRejected()
    {
        Assert.Throws<ArgumentException>(() => DocumentKeys.Encode("a\uD800"));
        Assert.Throws<ArgumentException>(() => DocumentKeys.Validate("\uDFFFa"));
        Assert.Throws<ArgumentException>(() => DocumentKeys.Validate(new string('é', DocumentKeys.MaxNameBytes / 2 + 1)));
        DocumentKeys.Validate(new string('é', DocumentKeys.MaxNameBytes / 2));
    }
}
