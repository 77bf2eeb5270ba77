using Collab.Yjs.Lib0;

namespace Collab.Tests.Yjs;

/// <summary>Collects mismatches so one test run reports every difference of a vector file.</summary>
internal sealed class VectorChecker(string file)
{
    private readonly List<string> _failures = [];

    public void Bytes(string what, byte[] expected, byte[] actual)
    {
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            Fail($"{what}: expected {Convert.ToHexStringLower(expected)} got {Convert.ToHexStringLower(actual)}");
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
        if (_failures.Count < 25)
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

    public void AssertNoFailures() => Assert.True(_failures.Count == 0, file + ":\n" + string.Join("\n", _failures));

    private static string Show(object? v)
    {
        try
        {
            var s = JsJson.Stringify(v);
            return s.Length > 2000 ? s[..2000] + "…" : s;
        }
        catch (InvalidOperationException)
        {
            return v?.ToString() ?? "null";
        }
    }
}
