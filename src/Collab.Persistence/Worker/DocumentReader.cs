using System.Diagnostics;
using Collab.Persistence.Storage;
using Collab.Yjs;

namespace Collab.Persistence.Worker;

/// <summary>The API's read path: a document's latest durable state, the stored state merged with the stream's unwritten tail.</summary>
internal sealed class DocumentReader(IDocumentStore store, KafkaTailReader tail)
{
    /// <summary>The merged state as a Yjs v1 update, or null when nothing is stored or pending for <paramref name="document"/>.</summary>
    /// <exception cref="TailReadException">The stream's tail could not be read in time.</exception>
    /// <exception cref="Confluent.Kafka.KafkaException">Kafka could not be asked.</exception>
    public async Task<byte[]?> ReadAsync(string document, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (stored, updates) = await tail.ReadAsync(document, () => store.LoadAsync(document, cancellationToken), cancellationToken).ConfigureAwait(false);
        byte[]? result;
        if (updates.Count == 0)
        {
            result = stored;
        }
        else
        {
            // updates from the stream were validated by the server that relayed them; one that still fails to decode is
            // left out here (the writer drops and logs it too) rather than failing the read
            var doc = new Doc();
            if (stored is not null)
            {
                doc.ApplyUpdate(stored);
            }

            foreach (var update in updates)
            {
                try
                {
                    _ = YUpdates.ParseUpdateMeta(update);
                    doc.ApplyUpdate(update);
                }
                catch (Exception e) when (e is Collab.Yjs.Lib0.YjsDecodingException or ArgumentException or InvalidOperationException)
                {
                    WorkerTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "invalid-update"));
                }
            }

            result = doc.EncodeStateAsUpdate();
        }

        WorkerTelemetry.ReadDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return result;
    }
}
