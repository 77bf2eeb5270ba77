using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.SyncServer.Extensions;

/// <summary>A logger that keeps every entry with its event id and structured values.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IReadOnlyList<KeyValuePair<string, object?>> list ? list.ToDictionary(p => p.Key, p => p.Value) : [];
        Entries.Enqueue(new Entry(logLevel, eventId.Id, formatter(state, exception), values));
    }

    internal sealed record Entry(LogLevel Level, int EventId, string Message, Dictionary<string, object?> Values);
}
