using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.Support;

/// <summary>
/// The log of an in-process server: every entry goes to the output of the test that started the server (shown with
/// its result) and into a bounded buffer that a failing assertion can print.
/// </summary>
internal sealed class TestLog : ILoggerProvider
{
    private const int MaxLines = 5000;
    private readonly ITestOutputHelper? _output = TestContext.Current.TestOutputHelper;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>The buffered entries (the last <c>5000</c>), one per line.</summary>
    public string Text => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var line = $"[{Stopwatch.GetElapsedTime(_started).TotalSeconds,8:F3}s {level,-11} {category}[{eventId.Id}]] {message}";
        if (exception is not null)
        {
            line += "\n    " + exception.ToString().Replace("\n", "\n    ", StringComparison.Ordinal);
        }

        _lines.Enqueue(line);
        while (_lines.Count > MaxLines && _lines.TryDequeue(out _))
        {
        }

        try
        {
            _output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // the test already ended (the server logs while it stops)
        }
    }

    private sealed class Logger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
