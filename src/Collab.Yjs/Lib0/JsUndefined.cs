namespace Collab.Yjs.Lib0;

/// <summary>The JavaScript value <c>undefined</c> (distinct from <c>null</c>).</summary>
public sealed class JsUndefined
{
    private JsUndefined()
    {
    }

    /// <summary>The single instance.</summary>
    public static JsUndefined Value { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "undefined";
}
