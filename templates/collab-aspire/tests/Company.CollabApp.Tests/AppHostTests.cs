using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace CollabAppNamespace.Tests;

/// <summary>
/// The whole app model of the AppHost, started with Aspire.Hosting.Testing (the orchestrator, no dashboard): every
/// resource becomes healthy and clients on the replicas' endpoint share a document.
/// </summary>
public sealed class AppHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
#if (kafka)

    /// <summary>The key of the persistence worker's API in this test (the AppHost's persistence-key parameter).</summary>
    private const string PersistenceKey = "tests-only-persistence-key-0123456789";
#endif

    [Fact]
    public async Task TheAppStartsHealthyAndClientsOnItsReplicasShareADocument()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("collab-apphost-");
        try
        {
            string[] args =
            [
#if (relay == "none")
                // without a relay each replica has documents of its own: one replica
                "--Replicas", "1",
#else
                "--Replicas", "2",
#endif
                "--DataDirectory", data.FullName,
#if (jwt)
                "--Parameters:jwt-secret", TestTokens.Secret,
#endif
#if (kafka)
                "--Parameters:persistence-key", PersistenceKey,
#endif
            ];
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CollabAppClass_AppHost>(
                args, (options, _) => options.DisableDashboard = true, ct);
            await using var app = await builder.BuildAsync(ct);
            await app.StartAsync(ct).WaitAsync(Patience, ct);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("syncserver", ct).WaitAsync(Patience, ct);
#if (kafka)
            await app.ResourceNotifications.WaitForResourceHealthyAsync("persistence", ct).WaitAsync(Patience, ct);
#endif

            // the endpoint is the orchestrator's proxy in front of both replicas
            var endpoint = app.GetEndpoint("syncserver", "http");
            await YWebsocketClient.ShareADocumentAsync(endpoint, "shared", TimeSpan.FromSeconds(30), ct);
#if (kafka)

            // the worker stores what the replicas relayed through Kafka (after its debounce): its API lists the document
            using var worker = new HttpClient { BaseAddress = app.GetEndpoint("persistence", "http") };
            worker.DefaultRequestHeaders.Authorization = new("Bearer", PersistenceKey);
            var listed = "";
            for (var attempt = 0; attempt < 60 && !listed.Contains("\"shared\"", StringComparison.Ordinal); attempt++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                listed = await worker.GetStringAsync("/documents", ct);
            }

            Assert.Contains("\"name\":\"shared\"", listed, StringComparison.Ordinal);
#endif
            await app.StopAsync(ct).WaitAsync(Patience, ct);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
