using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>Locates and parses the yjs test vectors in the repository copy (JavaScript JSON semantics, so lone surrogates survive).</summary>
internal static class VectorFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string Directory => Path.Combine(Root.Value, "testdata", "yjs-vectors");

    public static JsObject Load(string relativePath) =>
        (JsObject)JsJson.Parse(File.ReadAllText(Path.Combine(Directory, relativePath)))!;

    public static IEnumerable<string> ScenarioFiles()
    {
        var index = Load("index.json");
        foreach (var f in index.List("files"))
        {
            var file = ((JsObject)f!).Str("file");
            if (file.Contains('/', StringComparison.Ordinal))
            {
                yield return file;
            }
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collab.sln")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new InvalidOperationException("Collab.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Accessors for parsed vector JSON.</summary>
internal static class JsObjectAccess
{
    public static object? Get(this JsObject o, string key) => o.TryGetValue(key, out var v) ? v : null;

    public static bool Has(this JsObject o, string key) => o.TryGetValue(key, out var v) && v is not null;

    public static string Str(this JsObject o, string key) => (string)o.Get(key)!;

    public static JsObject Obj(this JsObject o, string key) => (JsObject)o.Get(key)!;

    public static List<object?> List(this JsObject o, string key) => (List<object?>)o.Get(key)!;

    public static byte[] B64(this JsObject o, string key) => Convert.FromBase64String(o.Str(key));
}
