namespace Collab.SyncServer.Hooks;

/// <summary>
/// Runs hooks of the registered extensions in priority order (protocol.md §7.5): one after another on the same
/// payload, the first error stops the chain and propagates; <see cref="SkipFurtherHooksException"/> stops it
/// without error.
/// </summary>
public sealed partial class HookChain
{
    private readonly ILogger<HookChain> _logger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ICollabExtension[]> _implementers = new(StringComparer.Ordinal);
    private readonly ICollabExtension[] _chain;

    /// <summary>Sorts the extensions: highest priority first, registration order among equals.</summary>
    public HookChain(IEnumerable<ICollabExtension> extensions, ILogger<HookChain> logger)
    {
        _logger = logger;
        _chain = [.. extensions.Select((e, i) => (e, i)).OrderByDescending(x => x.e.Priority).ThenBy(x => x.i).Select(x => x.e)];
        Extensions = _chain;
    }

    /// <summary>The extensions in chain order.</summary>
    public IReadOnlyList<ICollabExtension> Extensions { get; }

    /// <summary>True when some extension overrides the hook named by <paramref name="hookName"/>.</summary>
    public bool Implements(string hookName) => Implementers(hookName).Length > 0;

    /// <summary>True when the hook is overridden, and only by extensions of type <typeparamref name="T"/>.</summary>
    internal bool ImplementedOnlyBy<T>(string hookName)
        where T : ICollabExtension => Implementers(hookName) is { Length: > 0 } implementers && implementers.All(e => e is T);

    /// <summary>
    /// True when some extension that overrides the hook would do something with it now (<see cref="ICollabHookFilter"/>):
    /// asked per call, before a fire-and-forget payload is built.
    /// </summary>
    public bool Wants(string hookName)
    {
        foreach (var extension in Implementers(hookName))
        {
            if (extension is not ICollabHookFilter filter || filter.Uses(hookName))
            {
                return true;
            }
        }

        return false;
    }

    private ICollabExtension[] Implementers(string hookName) => _implementers.GetOrAdd(hookName, static (name, chain) =>
        [.. chain.Where(e => e.GetType().GetInterfaceMap(typeof(ICollabExtension)).TargetMethods
            .Any(m => m.DeclaringType != typeof(ICollabExtension) && (m.Name == name || m.Name.EndsWith("." + name, StringComparison.Ordinal))))], _chain);

    /// <summary>Runs an awaited chain.</summary>
    /// <returns>False when a hook ended the chain with <see cref="SkipFurtherHooksException"/>.</returns>
    public async ValueTask<bool> RunAsync<TPayload>(string hookName, TPayload payload, Func<ICollabExtension, TPayload, ValueTask> hook)
    {
        foreach (var extension in _chain)
        {
            try
            {
                var pending = hook(extension, payload);
                if (!pending.IsCompletedSuccessfully)
                {
                    await pending.ConfigureAwait(false);
                }
            }
            catch (SkipFurtherHooksException)
            {
                return false;
            }
            catch (Exception e)
            {
                LogHookFailed(hookName, extension.GetType().Name, e);
                throw;
            }
        }

        return true;
    }

    /// <summary>Runs a chain whose errors are only logged (afterHandleMessage, connected…).</summary>
    public async ValueTask RunLoggedAsync<TPayload>(string hookName, TPayload payload, Func<ICollabExtension, TPayload, ValueTask> hook)
    {
        try
        {
            await RunAsync(hookName, payload, hook).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // already logged with the hook and extension name
        }
    }

    /// <summary>Starts a chain nobody waits for (onChange, onAwarenessUpdate, onStateless…); errors are logged.</summary>
    public void Fire<TPayload>(string hookName, TPayload payload, Func<ICollabExtension, TPayload, ValueTask> hook)
    {
        if (_chain.Length == 0)
        {
            return;
        }

        var run = RunLoggedAsync(hookName, payload, hook);
        if (!run.IsCompleted)
        {
            _ = run.AsTask();
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Hook {Hook} of extension {Extension} failed")]
    private partial void LogHookFailed(string hook, string extension, Exception exception);
}
