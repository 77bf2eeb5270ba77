using Collab.Relay;
using Collab.Relay.Kafka;
using Confluent.Kafka;

namespace Collab.Persistence.Worker;

/// <summary>
/// Consumes <c>{prefix}.updates</c> in the workers' shared group (so each partition, and each document, has one writer),
/// hands updates to <see cref="WorkerDocuments"/>, and commits offsets only once what precedes them is stored. Partitions
/// taken away in a rebalance are written out and committed before they go; shutdown does the same for all.
/// The blocking consume loop runs on its own thread; writes run on the thread pool.
/// </summary>
internal sealed partial class PersistenceWorker(
    PersistenceWorkerOptions options, WorkerDocuments documents, WorkerIdentity identity, TimeProvider time, ILogger<PersistenceWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan HandoverTimeout = TimeSpan.FromSeconds(30);
    private readonly Dictionary<int, long> _committed = [];
    private volatile bool _assigned;
    private long _lastCommit;

    /// <summary>True once the group has given this worker its partitions (possibly none) and it is consuming.</summary>
    public bool IsAssigned => _assigned;

    /// <summary>The partitions this worker writes.</summary>
    public IReadOnlyCollection<int> Partitions { get; private set; } = [];

    /// <summary>The last consume or commit error, for the health check (null when the last attempt worked).</summary>
    public string? LastError { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        KafkaNativeLibrary.EnsureLoaded();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
                done.TrySetResult();
            }
            catch (Exception e)
            {
                LogStopped(e);
                done.TrySetException(e);
            }
        })
        { IsBackground = true, Name = "persistence-consumer" };
        thread.Start();
        return Task.WhenAll(done.Task, WriteLoopAsync(stoppingToken));
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                documents.StartDueWrites();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Run(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(WorkerKafkaSettings.Consumer(options, identity.Name))
            .SetPartitionsAssignedHandler((c, partitions) => Assigned(partitions))
            .SetPartitionsRevokedHandler((c, partitions) => Revoked(c, partitions))
            .SetPartitionsLostHandler((c, partitions) => Lost(partitions))
            .SetErrorHandler((_, error) => OnError(error))
            .Build();
        consumer.Subscribe(options.UpdatesTopic);
        LogStarted(identity.Name, options.UpdatesTopic, options.EffectiveGroupId);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
                {
                    Handle(record);
                }

                if (time.GetElapsedTime(_lastCommit) >= options.CommitInterval)
                {
                    Commit(consumer, null);
                }
            }
            catch (ConsumeException e)
            {
                LastError = e.Error.Reason;
                LogConsumeError(e.Error.Code, e.Error.Reason);
            }
        }

        // shutdown: write everything, commit, then leave the group (Close revokes, which finds nothing left to write)
        var written = documents.FlushAsync(null, HandoverTimeout).GetAwaiter().GetResult();
        Commit(consumer, null);
        LogShutdown(written);
        consumer.Close();
    }

    private void Handle(ConsumeResult<byte[], byte[]> record)
    {
        var partition = record.Partition.Value;
        var offset = record.Offset.Value;
        RelayMessage message;
        try
        {
            message = RelayEnvelope.Decode(record.Message.Value);
        }
        catch (RelayEnvelopeException e)
        {
            WorkerTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "malformed"));
            LogMalformed(partition, offset, e.Message);
            documents.Skip(partition, offset);
            return;
        }

        if (message.Kind is not RelayKind.Update)
        {
            WorkerTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "kind"));
            documents.Skip(partition, offset);
            return;
        }

        WorkerTelemetry.Consumed.Add(1);
        documents.Add(message.Document, partition, offset, message.Payload.ToArray());
    }

    private void Commit(IConsumer<byte[], byte[]> consumer, IReadOnlyCollection<int>? only)
    {
        _lastCommit = time.GetTimestamp();
        var offsets = documents.Committable(only)
            .Where(p => !_committed.TryGetValue(p.Key, out var last) || last != p.Value)
            .Select(p => new TopicPartitionOffset(options.UpdatesTopic, p.Key, p.Value))
            .ToList();
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(offsets);
            foreach (var offset in offsets)
            {
                _committed[offset.Partition.Value] = offset.Offset.Value;
            }

            WorkerTelemetry.Commits.Add(1);
            LastError = null;
        }
        catch (KafkaException e)
        {
            LastError = e.Error.Reason;
            LogCommitFailed(e.Error.Reason);
        }
    }

    private void Assigned(List<TopicPartition> partitions)
    {
        Partitions = [.. partitions.Select(p => p.Partition.Value)];
        _assigned = true;
        LogAssigned(partitions.Count, string.Join(',', Partitions));
    }

    private void Revoked(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> partitions)
    {
        // the handover: whatever of these partitions is not written yet is written now, and committed, before another
        // worker may start on them; if storage is down the offsets stay put and the next owner re-reads from there
        var revoked = partitions.Select(p => p.Partition.Value).ToList();
        var written = documents.FlushAsync(revoked, HandoverTimeout).GetAwaiter().GetResult();
        Commit(consumer, revoked);
        documents.Release(revoked);
        foreach (var partition in revoked)
        {
            _committed.Remove(partition);
        }

        Partitions = [.. Partitions.Except(revoked)];
        LogRevoked(revoked.Count, written);
    }

    private void Lost(List<TopicPartitionOffset> partitions)
    {
        // another worker may own them already: write nothing more, commit nothing
        var lost = partitions.Select(p => p.Partition.Value).ToList();
        documents.Release(lost);
        foreach (var partition in lost)
        {
            _committed.Remove(partition);
        }

        Partitions = [.. Partitions.Except(lost)];
        LogLost(lost.Count);
    }

    private void OnError(Error error)
    {
        LastError = error.Reason;
        LogKafkaError(error.Code, error.Reason, error.IsFatal);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Persistence worker {Worker} consumes {Topic} in group {Group}")]
    private partial void LogStarted(string worker, string topic, string group);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Assigned {Count} partitions: {Partitions}")]
    private partial void LogAssigned(int count, string partitions);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Revoked {Count} partitions after writing them out (everything written: {Written})")]
    private partial void LogRevoked(int count, bool written);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Lost {Count} partitions (another worker may own them): nothing more is written or committed for them")]
    private partial void LogLost(int count);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Dropped a malformed record at partition {Partition} offset {Offset}: {Reason}")]
    private partial void LogMalformed(int partition, long offset, string reason);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Consume failed ({Code}): {Reason}")]
    private partial void LogConsumeError(ErrorCode code, string reason);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "Committing offsets failed: {Reason}")]
    private partial void LogCommitFailed(string reason);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "Kafka error {Code}: {Reason} (fatal: {Fatal})")]
    private partial void LogKafkaError(ErrorCode code, string reason, bool fatal);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Information, Message = "Persistence worker stopped (everything written: {Written})")]
    private partial void LogShutdown(bool written);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Critical, Message = "The persistence worker's consumer stopped")]
    private partial void LogStopped(Exception exception);
}

/// <summary>This worker's identifier.</summary>
internal sealed record WorkerIdentity(string Name);
