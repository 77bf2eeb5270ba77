namespace Collab.Yjs.Lib0;

/// <summary>Helpers for JavaScript number semantics.</summary>
internal static class JsNumber
{
    /// <summary>Number.MAX_SAFE_INTEGER.</summary>
    public const ulong MaxSafeInteger = (1UL << 53) - 1;

    /// <summary>Whether lib0 writes the number as a varint (integral, |v| ≤ 2^31−1, including −0).</summary>
    public static bool IsInt31(double d) => Math.Abs(d) <= int.MaxValue && Math.Floor(d) == d;

    /// <summary>Whether converting to float32 and back gives the same number.</summary>
    public static bool IsFloat32Exact(double d)
    {
        var f = (float)d;
        return (double)f == d;
    }
}
