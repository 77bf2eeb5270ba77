using System.Text.Json;
using Collab.Yjs;

namespace Collab.Benchmarks.Workloads;

/// <summary>The B4 editing trace (testdata/editing-traces/automerge-paper.json) and helpers to replay it.</summary>
public sealed class B4Trace
{
    private B4Trace(int[] positions, int[] deletes, string[] inserts, string finalText)
    {
        Positions = positions;
        Deletes = deletes;
        Inserts = inserts;
        FinalText = finalText;
    }

    public int[] Positions { get; }

    public int[] Deletes { get; }

    public string[] Inserts { get; }

    public string FinalText { get; }

    public int Count => Positions.Length;

    public static B4Trace Load()
    {
        var dir = Path.Combine(RepositoryRoot.Find(), "testdata", "editing-traces");
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "automerge-paper.json")));
        var n = json.RootElement.GetArrayLength();
        var positions = new int[n];
        var deletes = new int[n];
        var inserts = new string[n];
        var i = 0;
        foreach (var edit in json.RootElement.EnumerateArray())
        {
            positions[i] = edit[0].GetInt32();
            deletes[i] = edit[1].GetInt32();
            inserts[i] = edit[2].GetString() ?? string.Empty;
            i++;
        }

        return new B4Trace(positions, deletes, inserts, File.ReadAllText(Path.Combine(dir, "automerge-paper.final.txt")));
    }

    public static Doc NewDoc() => new(new DocOptions { ClientId = WorkloadNames.ClientId });

    /// <summary>Applies every edit to the "text" root of <paramref name="doc"/>, one transaction per edit.</summary>
    public YText ReplayInto(Doc doc)
    {
        var text = doc.GetText("text");
        for (var i = 0; i < Positions.Length; i++)
        {
            if (Deletes[i] > 0)
            {
                text.Delete(Positions[i], Deletes[i]);
            }

            if (Inserts[i].Length > 0)
            {
                text.Insert(Positions[i], Inserts[i]);
            }
        }

        return text;
    }

    /// <summary>The final document, replayed without update listeners.</summary>
    public Doc FinalDoc()
    {
        var doc = NewDoc();
        ReplayInto(doc);
        return doc;
    }

    /// <summary>Every transaction's v1 update of a replay (what <c>doc.on('update')</c> emits).</summary>
    public List<byte[]> Updates()
    {
        var doc = NewDoc();
        var updates = new List<byte[]>(Positions.Length);
        doc.Update += (_, e) => updates.Add(e.Update);
        ReplayInto(doc);
        return updates;
    }
}

/// <summary>Finds the repository root (the folder with Collab.sln) above the binaries or the working directory.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Collab.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Collab.sln not found above " + AppContext.BaseDirectory + " or " + Environment.CurrentDirectory);
    }
}
