using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs.Differential;

/// <summary>Collects the differences of one scenario so that a report shows all of them, not just the first.</summary>
internal sealed class DiffChecker(string scenario)
{
    private const int MaxFailures = 12;
    private readonly List<string> _failures = [];

    public bool Passed => _failures.Count == 0;

    public string Report() => scenario + ":\n  " + string.Join("\n  ", _failures);

    public void Bytes(string what, byte[] expected, byte[] actual)
    {
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            Fail($"{what}: expected {Clip(Convert.ToHexStringLower(expected))} got {Clip(Convert.ToHexStringLower(actual))}");
        }
    }

    public void Value(string what, object? expected, object? actual)
    {
        if (!JsValue.DeepEquals(expected, actual))
        {
            Fail($"{what}: expected {Show(expected)} got {Show(actual)}");
        }
    }

    public void True(string what, bool condition)
    {
        if (!condition)
        {
            Fail(what);
        }
    }

    public void Fail(string message)
    {
        if (_failures.Count < MaxFailures)
        {
            _failures.Add(message);
        }
    }

    public void Run(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            Fail($"{what}: threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
    }

    private static string Clip(string s) => s.Length > 600 ? s[..600] + "…" : s;

    private static string Show(object? v)
    {
        try
        {
            return Clip(JsJson.Stringify(v));
        }
        catch (InvalidOperationException)
        {
            return v?.ToString() ?? "null";
        }
    }
}
