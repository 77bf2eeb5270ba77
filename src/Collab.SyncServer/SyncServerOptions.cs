using System.ComponentModel.DataAnnotations;

namespace Collab.SyncServer;

/// <summary>How SyncStatus acknowledgements relate to durability.</summary>
public enum SyncDurability
{
    /// <summary>
    /// Acknowledge once the update is applied and its store scheduled (Hocuspocus' behaviour): fastest, but an
    /// acknowledged edit still in the store debounce is lost if the process dies.
    /// </summary>
    Applied,

    /// <summary>Acknowledge once a store that contains the update succeeded (after the store debounce: seconds).</summary>
    Stored,

    /// <summary>
    /// The default: acknowledge once the update is in the durable update log (SQLite, group commit: milliseconds), or
    /// in a store, whichever comes first. Without an update log (SQLite off, storage brought by an extension) this is
    /// <see cref="Stored"/>.
    /// </summary>
    Logged,
}

/// <summary>Options of the sync server, bound from <c>Collab:SyncServer</c> (protocol.md §7.1).</summary>
public sealed class SyncServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:SyncServer";

    /// <summary>Instance name for logs and telemetry.</summary>
    public string? Name { get; set; }

    /// <summary>Path of the Hocuspocus endpoint.</summary>
    [Required]
    public string Path { get; set; } = "/";

    /// <summary>Path prefix of the y-websocket endpoint; the room name follows it (<c>/yws/{document}</c>).</summary>
    [Required]
    public string YWebsocketPath { get; set; } = "/yws";

    /// <summary>Query parameter that carries the token of y-websocket clients (header <c>Authorization: Bearer</c> also works).</summary>
    [Required]
    public string YWebsocketTokenParameter { get; set; } = "token";

    /// <summary>Absolute deadline before the first authentication, then the idle limit of a socket.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Delay of the store after the last change.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound on how long continuous changes can postpone a store.</summary>
    public TimeSpan MaxDebounce { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Each <see cref="MaxDebounce"/> deadline comes earlier by a random amount up to this (at most a fifth of
    /// <see cref="MaxDebounce"/>), so that documents edited continuously since the same moment are not all stored at
    /// the same moment every <see cref="MaxDebounce"/>. Zero keeps the deadline exact.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxDebounceJitter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// With <see cref="SyncDurability.Logged"/> and the embedded store's update log, the upper bound on how long
    /// continuous changes can postpone a store, in place of <see cref="MaxDebounce"/> (jittered the same way). The log
    /// already holds every acknowledged change, so under continuous editing the full store only compacts it: a longer
    /// bound re-encodes a busy document's whole state less often (30 s instead of 10 s measured 3–7 % less CPU at
    /// 5,000 edits/s over 200 documents in one set of runs, no difference in a later one). The price is size: the log
    /// holds between one and two of these periods of every busy document's updates (its two tables take turns), which
    /// at 30 s put the database at 2.4× the documents' states while running at 5,000 edits/s, against 1.7× at 10 s;
    /// and a load after a crash replays it. The default is therefore <see cref="MaxDebounce"/> (10 s). A store still
    /// follows <see cref="Debounce"/> after the last change. Only used when every extension that implements
    /// <c>OnStoreDocument</c> is the embedded store: extensions that store elsewhere get their full states every
    /// <see cref="MaxDebounce"/>. A value below <see cref="MaxDebounce"/> counts as <see cref="MaxDebounce"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan LoggedMaxDebounce { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>At the last disconnect run a pending store now (true) or let the debounce fire (false).</summary>
    public bool UnloadImmediately { get; set; } = true;

    /// <summary>First retry delay after a failed store (doubles up to <see cref="StoreRetryMaxDelay"/>).</summary>
    public TimeSpan StoreRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest retry delay after failed stores.</summary>
    public TimeSpan StoreRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>When SyncStatus is sent.</summary>
    public SyncDurability Durability { get; set; } = SyncDurability.Logged;

    /// <summary>Yjs garbage collection of documents.</summary>
    public bool Gc { get; set; } = true;

    /// <summary>Bytes buffered per socket before any authentication completes.</summary>
    [Range(1, int.MaxValue)]
    public int MaxUnauthenticatedQueueBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// Largest inbound message of a socket that has not authenticated yet (a provider's first messages are its
    /// authentication, a state vector and awareness: small); after the first successful authentication
    /// <see cref="MaxMessageBytes"/> applies. Larger ones close the socket with 1009.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxUnauthenticatedMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes all sockets together may hold in messages still arriving; a socket whose message would need more is closed
    /// with 1013 (try again later). 0 = a quarter of the memory available to the process.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MaxBufferedMessageBytes { get; set; }

    /// <summary>
    /// Most bytes of pending updates (updates whose changes wait for others that have not arrived) a document holds; a
    /// client update that would add more is closed with 1008 ("Too Many Pending Updates"). Honest clients send
    /// updates in order and create none; they arise from out-of-order delivery or from a hostile client. Pending
    /// updates are part of every SyncStep2 the document answers (as in yjs), so this also bounds what each joiner is
    /// sent and what answering costs.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxPendingBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Messages per second one socket may send on average (0 = no limit). A socket that sends faster is read no faster:
    /// its frames wait until the budget refilled (TCP pushes back on the client); nothing is dropped or closed.
    /// </summary>
    [Range(0, double.MaxValue)]
    public double SocketMessagesPerSecond { get; set; } = 500;

    /// <summary>Messages a socket may send at once above <see cref="SocketMessagesPerSecond"/> (a reconnect syncing many documents).</summary>
    [Range(1, double.MaxValue)]
    public double SocketMessageBurst { get; set; } = 2000;

    /// <summary>Bytes per second one socket may send on average (0 = no limit); see <see cref="SocketMessagesPerSecond"/>.</summary>
    [Range(0, double.MaxValue)]
    public double SocketBytesPerSecond { get; set; } = 8 * 1024 * 1024;

    /// <summary>Bytes a socket may send at once above <see cref="SocketBytesPerSecond"/> (at least <see cref="MaxMessageBytes"/>).</summary>
    [Range(0, double.MaxValue)]
    public double SocketByteBurst { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Messages per second all sockets of one client address may send together (0 = no limit); like
    /// <see cref="SocketMessagesPerSecond"/>, a socket over it is read more slowly, nothing is dropped. Generous by
    /// default: many users can share an address (an office behind NAT, a proxy whose forwarded headers are not trusted).
    /// </summary>
    [Range(0, double.MaxValue)]
    public double AddressMessagesPerSecond { get; set; } = 20_000;

    /// <summary>Messages one address's sockets may send at once above <see cref="AddressMessagesPerSecond"/>.</summary>
    [Range(1, double.MaxValue)]
    public double AddressMessageBurst { get; set; } = 50_000;

    /// <summary>Bytes per second all sockets of one client address may send together (0 = no limit).</summary>
    [Range(0, double.MaxValue)]
    public double AddressBytesPerSecond { get; set; } = 128 * 1024 * 1024;

    /// <summary>Bytes one address's sockets may send at once above <see cref="AddressBytesPerSecond"/> (at least <see cref="MaxMessageBytes"/>).</summary>
    [Range(0, double.MaxValue)]
    public double AddressByteBurst { get; set; } = 256 * 1024 * 1024;

    /// <summary>
    /// Awareness client ids one connection may own in a document (a provider announces one; a new id beyond the limit
    /// is dropped from the update, the rest of it applies).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxAwarenessStatesPerConnection { get; set; } = 16;

    /// <summary>Messages buffered per socket before authentication completes.</summary>
    [Range(1, int.MaxValue)]
    public int MaxUnauthenticatedQueueMessages { get; set; } = 1000;

    /// <summary>Documents per socket that may await authentication at once.</summary>
    [Range(1, int.MaxValue)]
    public int MaxPendingDocuments { get; set; } = 100;

    /// <summary>Document connections per socket.</summary>
    [Range(1, int.MaxValue)]
    public int MaxDocumentsPerSocket { get; set; } = 1000;

    /// <summary>Largest inbound message (after reassembly); larger ones close the socket with 1009.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxMessageBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Longest accepted document name in UTF-8 bytes.</summary>
    [Range(1, 65536)]
    public int MaxDocumentNameBytes { get; set; } = 1024;

    /// <summary>Bytes queued for a socket that does not read fast enough before it is closed with 1013.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxSendQueueBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Messages queued for a slow socket before it is closed with 1013.</summary>
    [Range(1, int.MaxValue)]
    public int MaxSendQueueMessages { get; set; } = 10_000;

    /// <summary>Merge the updates and awareness changes of a document that arrive close together into one broadcast (§7.9).</summary>
    public bool BatchBroadcasts { get; set; } = true;

    /// <summary>
    /// Answer plain HTTP/1.1 WebSocket upgrades to <see cref="Path"/> and <see cref="YWebsocketPath"/> in a Kestrel
    /// connection middleware, below the HTTP stack (far less memory per socket, fewer copies); ASP.NET Core
    /// middleware then does not see those requests. False routes every upgrade through the pipeline.
    /// </summary>
    public bool DirectWebSockets { get; set; } = true;

    /// <summary>
    /// With <see cref="DirectWebSockets"/>, write an upgraded socket's frames straight to the socket (one non-blocking
    /// send per flush, the rest asynchronously when the client reads slowly) instead of through Kestrel's output pipe
    /// and send loop, which cost about as much CPU per message as the send itself. Applies to plain TCP connections on
    /// Kestrel's socket transport only (never below TLS). False = Kestrel's output pipe.
    /// </summary>
    public bool DirectSocketWrites { get; set; } = true;

    /// <summary>
    /// With <see cref="DirectWebSockets"/> and <see cref="DirectSocketWrites"/>, accept TCP connections with Collab's
    /// own listener and serve plain upgrades to the sync paths directly on the socket: no Kestrel connection, pipes or
    /// receive loop per socket (about half the memory of an idle socket), and an inbound message is read on the thread
    /// its receive completed on. Every other connection (other paths, TLS, HTTP/2, anything unusual) goes to Kestrel
    /// unchanged. Kestrel's own transport is used where a Kestrel connection limit is set. False = Kestrel's socket
    /// transport for everything.
    /// </summary>
    public bool DirectTransport { get; set; } = true;

    /// <summary>
    /// With <see cref="DirectSocketWrites"/>, submit the socket sends of one wake-up of the broadcast flusher with one
    /// system call (Linux io_uring) instead of one <c>send</c> each. Fewer system calls, and fewer switches to the
    /// processes the sends wake when they run on the same machine (a proxy in front of the server). Where io_uring is
    /// not available (another OS, an old kernel, a seccomp profile that refuses it) sends stay one call each. False = one
    /// call each.
    /// </summary>
    public bool BatchedSocketSends { get; set; } = true;

    /// <summary>
    /// Broadcast batching window (§7.9): a document's updates and awareness changes are sent at most this long after
    /// the first of them, merged, by one flusher for the whole server. Zero = at the end of the receive loop's turn
    /// (the reference's default). The 20 ms default merges what a continuously edited document receives in that time
    /// into one message per client (fewer sends, and with them less server CPU per delivered update) at a latency
    /// nobody notices in an editor.
    /// </summary>
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The broadcast window a change that came through the relay opens (another replica's client's edit, a peer's sync
    /// reply): it arrives in the relay's own batches — a Kafka fetch holds what the other replicas produced within their
    /// linger — so a short window merges what came together, and a second full <see cref="FlushDelay"/> would only add
    /// to the cross-replica latency. A window already open for a local change is flushed early when this ends first.
    /// Zero = at once; a value above <see cref="FlushDelay"/> counts as <see cref="FlushDelay"/>.
    /// </summary>
    public TimeSpan RelayFlushDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary><see cref="RelayFlushDelay"/>, at most <see cref="FlushDelay"/>.</summary>
    internal TimeSpan EffectiveRelayFlushDelay => RelayFlushDelay < FlushDelay ? RelayFlushDelay : FlushDelay;

    /// <summary>
    /// How long the echo of a client's own update may wait for the next message to that socket (§7.9, Appendix B2):
    /// when everything a broadcast window carries came from one connection, that connection's copy is queued behind
    /// its socket's next message — another client's update, an acknowledgement — and sent on its own only after this
    /// delay. Every update is still echoed to its sender (which needs the echo for nothing: the provider counts
    /// SyncStatus acknowledgements, and the awareness echo is the keep-alive); what changes is that a client typing
    /// alone, or faster than the others, no longer costs a send per window for it. Zero = send the echo with the
    /// window like everyone else's copy.
    /// </summary>
    public TimeSpan EchoDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Run socket I/O completions and the sessions' frame handling on the socket engine's thread instead of hopping
    /// to the thread pool (Kestrel's UnsafePreferInlineScheduling plus inline socket completions): far fewer thread
    /// wake-ups per message. Hooks on the message path (beforeHandleMessage, onChange, onStateless, awareness hooks)
    /// then run on that thread and must not block; authentication and document loads are moved to the thread pool.
    /// Takes effect for the process's sockets only when set before the first socket is created (the built-in host
    /// does). False = the default .NET scheduling.
    /// </summary>
    public bool InlineIo { get; set; } = true;

    /// <summary>
    /// With <see cref="InlineIo"/>, how many socket engine threads (epoll loops) the process runs; frame handling runs on
    /// them. Zero = half the processors, at least one: the other half is left to the broadcast flusher (whose sends are
    /// most of the server's work), the store and the thread pool, and each engine wakes less often for more events
    /// (at 200 documents × 5 clients × 5 inserts/s on 2 cores, one engine instead of .NET's two cost about 5 % less CPU
    /// per delivered update at the same p99). An explicit <c>DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT</c> wins. Takes
    /// effect only before the process's first socket, like <see cref="InlineIo"/>.
    /// </summary>
    [Range(0, 1024)]
    public int SocketEngineThreads { get; set; }

    /// <summary>The engine threads <see cref="SocketEngineThreads"/> asks for on <paramref name="processors"/> processors.</summary>
    public static int SocketEngineCount(int configured, int processors) => configured > 0 ? configured : Math.Max(1, processors / 2);

    /// <summary>
    /// After the managed heap grew by 32 MiB and the process then allocated little for 3 s (a burst of connections
    /// that now sit idle), run one compacting collection that returns the garbage and fragmentation to the system.
    /// Never runs under load. False = leave it to the runtime (memory stays at its high-water mark until the next
    /// collection, which an idle server may not need for a long time).
    /// </summary>
    public bool MemoryReducer { get; set; } = true;

    /// <summary>Flush a batch early once this many update bytes are buffered.</summary>
    [Range(1, int.MaxValue)]
    public int FlushMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>Answer a client's QueryAwareness with all states (the reference does not answer).</summary>
    public bool AnswerQueryAwareness { get; set; } = true;

    /// <summary>
    /// Send the single-byte Ping (protocol.md §5.4.10) to a Hocuspocus socket that received nothing for this long, when
    /// its providers declared version 4 or later in their Auth messages (never to older providers or y-websocket
    /// clients); zero (the default, like the reference) turns it off.
    /// </summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.Zero;

    /// <summary>How long shutdown waits for pending stores.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);
}
