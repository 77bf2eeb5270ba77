namespace Collab.Yjs;

/// <summary>Event of a <see cref="YText"/> change.</summary>
public sealed class YTextEvent : YEvent
{
    internal YTextEvent(YText target, Transaction transaction, ChangedKeys subs)
        : base(target, transaction, subs)
    {
    }
}
