using System.Security.Cryptography;
using System.Text;
using Collab.Persistence.Storage;
using Collab.Persistence.Worker;
using Confluent.Kafka;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The worker's internal HTTP API, for the servers (not the public one): every request needs the shared key
/// (<c>Authorization: Bearer {Collab:Persistence:ApiKey}</c>).
/// <list type="bullet">
/// <item><c>GET /documents/state?name={document}</c>: the latest durable state as a Yjs v1 update (200), including
/// updates consumed but not written yet; 404 when nothing is stored or pending; 503 when Kafka cannot be read in time.</item>
/// <item><c>GET /documents?prefix=&amp;after=&amp;limit=</c>: stored documents as JSON, by name, for paging.</item>
/// </list>
/// </summary>
public static class PersistenceApi
{
    /// <summary>Maps the worker's API.</summary>
    public static IEndpointRouteBuilder MapPersistenceApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/documents").AddEndpointFilter<SharedKeyFilter>();
        group.MapGet("/state", ReadStateAsync);
        group.MapGet("/", ListAsync);
        return endpoints;
    }

    private static async Task<IResult> ReadStateAsync(string? name, DocumentReader reader, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The query parameter 'name' (the document name) is required.");
        }

        try
        {
            return await reader.ReadAsync(name, cancellationToken).ConfigureAwait(false) is { } state
                ? Results.Bytes(state, "application/octet-stream")
                : Results.NotFound();
        }
        catch (Exception e) when (e is TailReadException or KafkaException)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The document's latest updates could not be read from Kafka.", detail: e.Message);
        }
        catch (DocumentStoreCorruptedException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "The stored document cannot be read back intact.", detail: e.Message);
        }
    }

    private static async Task<IResult> ListAsync(string? prefix, string? after, int? limit, IDocumentStore store, CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(prefix, after, Math.Clamp(limit ?? 1000, 1, 10_000), cancellationToken).ConfigureAwait(false);
        return Results.Json(page.Select(d => new { name = d.Name, size = d.Size, updatedAt = d.UpdatedAt }));
    }

    private sealed class SharedKeyFilter(PersistenceWorkerOptions options) : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
            var matches = options.ApiKey.Length > 0 && CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
                SHA256.HashData(Encoding.UTF8.GetBytes(options.ApiKey)));
            return matches
                ? next(context)
                : ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The persistence API needs the shared key (Authorization: Bearer …)."));
        }
    }
}
