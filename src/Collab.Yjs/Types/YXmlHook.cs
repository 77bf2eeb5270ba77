namespace Collab.Yjs;

/// <summary>A shared XML hook (yjs <c>Y.XmlHook</c>): a map with a hook name.</summary>
/// <param name="hookName">The hook name.</param>
public sealed class YXmlHook(string hookName) : YMap
{
    /// <summary>The hook name.</summary>
    public string HookName { get; } = hookName;

    internal override AbstractType CopyEmpty() => new YXmlHook(HookName);

    internal override void WriteTypeRef(IUpdateEncoder encoder)
    {
        encoder.WriteTypeRef(5);
        encoder.WriteKey(HookName);
    }
}
