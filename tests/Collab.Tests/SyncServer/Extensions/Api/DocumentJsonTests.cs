using Collab.SyncServer.Api;
using Collab.Yjs;

namespace Collab.Tests.SyncServer.Extensions.Api;

public sealed class DocumentJsonTests
{
    private static byte[] State(Action<Doc> build)
    {
        var doc = new Doc();
        build(doc);
        return doc.EncodeStateAsUpdate();
    }

    [Fact]
    public void UntypedRootsAreRecognisedFromTheirContent()
    {
        var state = State(doc =>
        {
            doc.GetText("text").Insert(0, "héllo 🌟");
            doc.GetMap("map").Set("k", "v");
            doc.GetArray("array").Insert(0, new List<object?> { true, null, 2.5 });
            var element = new YXmlElement("paragraph");
            doc.GetXmlFragment("xml").Insert(0, new List<object?> { element });
            element.Insert(0, new List<object?> { new YXmlText("hi") });
        });

        Assert.Equal("""{"array":[true,null,2.5],"map":{"k":"v"},"text":"héllo 🌟","xml":"<paragraph>hi</paragraph>"}""", DocumentJson.Render(state));
    }

    [Fact]
    public void AnArrayOfCharactersIsNotMistakenForTextButKnownTypesWin()
    {
        var state = State(doc => doc.GetArray("letters").Insert(0, new List<object?> { "a", "b" }));

        Assert.Equal("""{"letters":["a","b"]}""", DocumentJson.Render(state));
        Assert.Equal("""{"letters":""}""", DocumentJson.Render(state, new Dictionary<string, Type> { ["letters"] = typeof(YText) }));
    }

    [Fact]
    public void ALiveDocumentUsesItsOwnRootTypes()
    {
        var document = new FakeDocument("doc");
        document.Doc.GetArray("letters").Insert(0, new List<object?> { "a", "b" });

        Assert.Equal("""{"letters":["a","b"]}""", DocumentJson.Render(document));
    }

    [Fact]
    public void AnEmptyDocumentIsAnEmptyObject() => Assert.Equal("{}", DocumentJson.Render(new Doc().EncodeStateAsUpdate()));
}
