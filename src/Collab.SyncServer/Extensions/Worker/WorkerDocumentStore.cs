using System.Net;
using System.Net.Http.Headers;
using Collab.Persistence.Storage;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Extensions.Worker;

/// <summary>
/// The persistence worker's documents as this server's <see cref="IDocumentStore"/>, read-only: loads (the stored state
/// merged with what the worker has not written yet) and listings go to the worker's API, so the operator API and the
/// editor's document list see what the worker stores. Writing is the worker's job alone (one writer per document).
/// </summary>
internal sealed class WorkerDocumentStore(IHttpClientFactory clients, IOptions<PersistenceClientOptions> options) : IDocumentStore
{
    public const string ClientName = "collab-persistence";

    public async Task<byte[]?> LoadAsync(string documentName, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync("documents/state?name=" + Uri.EscapeDataString(documentName), cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound
            ? null
            : await (await EnsureSuccessAsync(response, $"document '{documentName}'", cancellationToken).ConfigureAwait(false)).Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredDocumentInfo>> ListAsync(string? prefix = null, string? after = null, int limit = 1000, CancellationToken cancellationToken = default)
    {
        var query = $"documents?limit={limit}" + (prefix is null ? "" : "&prefix=" + Uri.EscapeDataString(prefix)) + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
        using var response = await SendAsync(query, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "the document list", cancellationToken).ConfigureAwait(false);
        var page = await response.Content.ReadFromJsonAsync<List<Listed>>(cancellationToken).ConfigureAwait(false) ?? [];
        return [.. page.Select(d => new StoredDocumentInfo(d.Name, d.Size, d.UpdatedAt))];
    }

    public Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default) => throw ReadOnly();

    public Task MergeAsync(string documentName, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default) => throw ReadOnly();

    public Task<bool> DeleteAsync(string documentName, CancellationToken cancellationToken = default) => throw ReadOnly();

    private static NotSupportedException ReadOnly() =>
        new("Documents are written by the persistence worker (one writer per document); a server with Collab:Persistence:Url only reads them.");

    private async Task<HttpResponseMessage> SendAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ApiKey);
        return await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<HttpResponseMessage> EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"The persistence worker answered {(int)response.StatusCode} for {what}: {detail}");
        }

        return response;
    }

    private sealed record Listed(string Name, long Size, DateTimeOffset UpdatedAt);
}
