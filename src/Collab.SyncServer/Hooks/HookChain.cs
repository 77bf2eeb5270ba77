namespace Collab.SyncServer.Hooks;

/// <summary>
/// Runs hooks of the registered extensions in priority order (protocol.md §7.5): one after another on the same
/// payload, the first error stops the chain and propagates; <see cref="SkipFurtherHooksException"/> stops it
/// without error.
/// </summary>
public sealed partial class HookChain
{
    private readonly ILogger<HookChain> _logger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _implements = new(StringComparer.Ordinal);

    /// <summary>Sorts the extensions: highest priority first, registration order among equals.</summary>
    public HookChain(IEnumerable<ICollabExtension> extensions, ILogger<HookChain> logger)
    {
        _logger = logger;
        Extensions = [.. extensions.Select((e, i) => (e, i)).OrderByDescending(x => x.e.Priority).ThenBy(x => x.i).Select(x => x.e)];
    }

    /// <summary>The extensions in chain order.</summary>
    public IReadOnlyList<ICollabExtension> Extensions { get; }

    /// <summary>True when some extension overrides the hook named by <paramref name="hookName"/>.</summary>
    public bool Implements(string hookName) => _implements.GetOrAdd(hookName, name =>
        Extensions.Any(e => e.GetType().GetInterfaceMap(typeof(ICollabExtension)).TargetMethods
            .Any(m => m.DeclaringType != typeof(ICollabExtension) && (m.Name == name || m.Name.EndsWith("." + name, StringComparison.Ordinal)))));

    /// <summary>Runs an awaited chain.</summary>
    /// <returns>False when a hook ended the chain with <see cref="SkipFurtherHooksException"/>.</returns>
    public async ValueTask<bool> RunAsync<TPayload>(string hookName, TPayload payload, Func<ICollabExtension, TPayload, ValueTask> hook)
    {
        foreach (var extension in Extensions)
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
        if (Extensions.Count == 0)
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
