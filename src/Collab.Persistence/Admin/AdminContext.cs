using Collab.Persistence.Storage;

namespace Collab.Persistence.Admin;

/// <summary>What a verb works with: the store, where to write, cancellation.</summary>
internal sealed class AdminContext(StoreSelection selection, TextWriter output, TextWriter error, CancellationToken cancellationToken)
{
    private const int PageSize = 1000;

    public StoreSelection Selection { get; } = selection;

    public IDocumentStore Store => Selection.Store;

    /// <summary>Results (stdout).</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Progress and errors (stderr).</summary>
    public TextWriter Error { get; } = error;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Every stored document (starting with <paramref name="prefix"/>), through all pages of the listing.</summary>
    public async IAsyncEnumerable<StoredDocumentInfo> ListAsync(string? prefix)
    {
        string? after = null;
        while (true)
        {
            var page = await Store.ListAsync(prefix, after, PageSize, CancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var document in page)
            {
                yield return document;
            }

            after = page[^1].Name;
        }
    }

    public async Task<IReadOnlyList<StoredDocumentInfo>> ListAllAsync(string? prefix)
    {
        var documents = new List<StoredDocumentInfo>();
        await foreach (var document in ListAsync(prefix))
        {
            documents.Add(document);
        }

        return documents;
    }

    /// <summary>The stored state of <paramref name="name"/>; an unknown document is an error (exit code 2).</summary>
    public async Task<byte[]> LoadExistingAsync(string name) =>
        await Store.LoadAsync(name, CancellationToken) ?? throw AdminException.UnknownDocument(name, Selection);

    /// <summary>The names a verb given <c>&lt;name&gt;</c> or <c>--all [--prefix]</c> works on; exactly one of the two is required.</summary>
    public async Task<IReadOnlyList<string>> SelectAsync(string? name, bool all, string? prefix, string verb)
    {
        if (name is not null == all)
        {
            throw AdminException.Usage($"{verb}: give a document name or --all.");
        }

        if (prefix is not null && !all)
        {
            throw AdminException.Usage($"{verb}: --prefix goes with --all.");
        }

        return name is not null ? [name] : [.. (await ListAllAsync(prefix)).Select(d => d.Name)];
    }

    /// <summary>Runs <paramref name="work"/> on each item with a progress display when <paramref name="showProgress"/>.</summary>
    public Task ForEachAsync<T>(string label, IReadOnlyList<T> items, bool showProgress, Func<T, Task> work) =>
        showProgress ? AdminProgress.ForEachAsync(this, label, items, work) : SequentialAsync(items, work);

    private static async Task SequentialAsync<T>(IReadOnlyList<T> items, Func<T, Task> work)
    {
        foreach (var item in items)
        {
            await work(item);
        }
    }
}
