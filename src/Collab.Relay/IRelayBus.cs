namespace Collab.Relay;

/// <summary>
/// The transport between instances: Kafka, Redis or in-process. Every implementation delivers the messages of other
/// instances to the receiver given to <see cref="StartAsync"/> (never an instance's own messages, never messages
/// addressed to another instance), keeps the order of one document's messages of one channel, and reports its health.
/// </summary>
public interface IRelayBus : IAsyncDisposable
{
    /// <summary>The transport's name: "kafka", "redis" or "in-process".</summary>
    string Transport { get; }

    /// <summary>This instance's identifier (the origin of what it publishes).</summary>
    string Instance { get; }

    /// <summary>The transport's state now.</summary>
    RelayStatus Status { get; }

    /// <summary>
    /// Raised when <see cref="Status"/> changes. A change to <see cref="RelayState.Connected"/> after anything else means
    /// messages may have been missed meanwhile: users resynchronise what they hold.
    /// </summary>
    event Action<RelayStatus>? StatusChanged;

    /// <summary>Connects and starts delivering other instances' messages to <paramref name="receive"/> (one at a time, in order).</summary>
    /// <param name="receive">Handles one message; exceptions are logged and the message dropped.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>Completes once the transport can deliver (or has given up waiting and keeps trying in the background).</returns>
    Task StartAsync(Func<RelayMessage, ValueTask> receive, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a message. For <see cref="RelayChannel.Durable"/> messages the task completes when the transport acknowledged
    /// it (Kafka: written to every in-sync replica), for ephemeral ones when it was handed over.
    /// </summary>
    /// <param name="message">The message (its origin is this instance).</param>
    /// <returns>Completes as described; faults with <see cref="RelayUnavailableException"/> when the message could not be sent.</returns>
    Task PublishAsync(RelayMessage message);

    /// <summary>
    /// Sends a message like <see cref="PublishAsync"/>, reporting the outcome to <paramref name="delivered"/> (null, or the
    /// <see cref="RelayUnavailableException"/>) instead of through a task: the hot path of relayed updates. The callback
    /// may run on the transport's own thread: it must be short and must not block.
    /// </summary>
    /// <param name="message">The message (its origin is this instance).</param>
    /// <param name="delivered">Called once with the outcome.</param>
    void Publish(RelayMessage message, Action<Exception?> delivered) =>
        PublishAsync(message).ContinueWith(
            static (task, state) => ((Action<Exception?>)state!)(task.Exception?.InnerException),
            delivered,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>This instance now holds a document: transports that route by document (Redis) subscribe to it.</summary>
    /// <param name="document">The document name.</param>
    /// <returns>Completes when messages about it are delivered.</returns>
    Task JoinAsync(string document);

    /// <summary>This instance no longer holds a document.</summary>
    /// <param name="document">The document name.</param>
    /// <returns>Completes when the transport stopped delivering it (or will soon).</returns>
    Task LeaveAsync(string document);
}

/// <summary>The state of a relay transport.</summary>
public enum RelayState
{
    /// <summary>Not started or connecting for the first time.</summary>
    Starting,

    /// <summary>Publishing and receiving.</summary>
    Connected,

    /// <summary>Not reachable: local clients are still served; durable messages wait (up to a limit), ephemeral ones are dropped.</summary>
    Disconnected,

    /// <summary>Stopped.</summary>
    Stopped,
}

/// <summary>A transport's state, why, and since when.</summary>
/// <param name="State">The state.</param>
/// <param name="Description">What happened last, for health reports and logs.</param>
/// <param name="Since">When the state began.</param>
public readonly record struct RelayStatus(RelayState State, string Description, DateTimeOffset Since);

/// <summary>A message could not be sent: the transport is unavailable and the message was not kept.</summary>
/// <param name="message">Why.</param>
/// <param name="inner">The transport's error, if any.</param>
public sealed class RelayUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
