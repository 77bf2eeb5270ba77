using Collab.SyncServer.Auth;

namespace Collab.Tests.SyncServer.Extensions.Auth;

public sealed class DocumentPatternTests
{
    [Theory]
    [InlineData("doc", "doc", true)]
    [InlineData("doc", "doc2", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "any/thing 🌟", true)]
    [InlineData("team/*", "team/a/b", true)]
    [InlineData("team/*", "team", false)]
    [InlineData("*/notes", "x/notes", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("a?", "ab", false)]
    public void StarMatchesAnyRunOfCharacters(string pattern, string name, bool expected) =>
        Assert.Equal(expected, DocumentPattern.IsMatch(pattern, name));

    [Fact]
    public void HostilePatternsStayFast()
    {
        var name = new string('a', 5000);
        var pattern = string.Concat(Enumerable.Repeat("*a", 50)) + "b";

        Assert.False(DocumentPattern.IsMatch(pattern, name));
    }
}
