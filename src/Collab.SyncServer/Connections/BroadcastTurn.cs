using Collab.SyncServer.Documents;

namespace Collab.SyncServer.Connections;

/// <summary>
/// The "event-loop turn" of a socket's receive loop (protocol.md §7.9, flushDelay 0): while a receive loop handles
/// frames that are already buffered, the documents they change only note that they have something to broadcast;
/// the loop flushes them when it is about to wait for more data (or after a bounded number of frames). A burst of
/// updates thus leaves as one merged broadcast, and no thread-pool hop is spent per update. Thread-static: the
/// loop flushes on the thread that deferred, before any await that does not complete synchronously.
/// </summary>
internal static class BroadcastTurn
{
    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static List<DocumentBroadcaster>? t_deferred;

    /// <summary>Marks the synchronous handling of one frame; broadcasts scheduled inside are deferred to the turn's end.</summary>
    public static Scope Enter()
    {
        t_depth++;
        return default;
    }

    /// <summary>Defers a broadcaster's flush to the end of the current turn; false outside a turn.</summary>
    public static bool TryDefer(DocumentBroadcaster broadcaster)
    {
        if (t_depth == 0)
        {
            return false;
        }

        (t_deferred ??= []).Add(broadcaster);
        return true;
    }

    /// <summary>Flushes every broadcaster deferred on this thread.</summary>
    public static void FlushDeferred()
    {
        var deferred = t_deferred;
        if (deferred is null || deferred.Count == 0)
        {
            return;
        }

        t_deferred = null;
        foreach (var broadcaster in deferred)
        {
            broadcaster.FlushLogged();
        }

        deferred.Clear();
        t_deferred ??= deferred;
    }

    /// <summary>Ends the frame's scope.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose() => t_depth--;
    }
}
