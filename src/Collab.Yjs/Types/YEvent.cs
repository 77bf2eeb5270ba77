using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>Kind of change of a map key.</summary>
public enum YKeyAction
{
    /// <summary>The key was added.</summary>
    Add,

    /// <summary>The key's value was replaced.</summary>
    Update,

    /// <summary>The key was deleted.</summary>
    Delete,
}

/// <summary>A change of one map key: action and previous value (undefined for adds).</summary>
/// <param name="Action">What happened.</param>
/// <param name="OldValue">The previous value.</param>
public readonly record struct YKeyChange(YKeyAction Action, object? OldValue);

/// <summary>One operation of a sequence delta: exactly one of insert, delete or retain is set.</summary>
public sealed class YDeltaOp
{
    /// <summary>Inserted content: a list of values for arrays/XML children, a string or embed/type for text.</summary>
    public object? Insert { get; internal set; }

    /// <summary>Number of deleted units.</summary>
    public int? Delete { get; internal set; }

    /// <summary>Number of retained units.</summary>
    public int? Retain { get; internal set; }

    /// <summary>Formatting attributes (text only).</summary>
    public JsObject? Attributes { get; internal set; }
}

/// <summary>Describes the changes of one shared type in one transaction (yjs <c>YEvent</c>).</summary>
public class YEvent
{
    private Dictionary<string, YKeyChange>? _keys;
    private List<YDeltaOp>? _delta;
    private List<object>? _path;

    internal YEvent(AbstractType target, Transaction transaction, ChangedKeys subs)
    {
        Target = target;
        CurrentTarget = target;
        Transaction = transaction;
        KeysChanged = subs.MapKeys.ToHashSet(StringComparer.Ordinal);
        ChildListChanged = subs.Sequence;
    }

    /// <summary>The type that changed.</summary>
    public AbstractType Target { get; }

    /// <summary>The type the listener is registered on (differs from the target for deep observers).</summary>
    public AbstractType CurrentTarget
    {
        get;
        internal set
        {
            field = value;
            _path = null;
        }
    }

    /// <summary>The transaction.</summary>
    public Transaction Transaction { get; }

    /// <summary>Map keys (or attributes) that changed.</summary>
    public IReadOnlySet<string> KeysChanged { get; }

    /// <summary>Whether the sequence (array, text, children) changed.</summary>
    public bool ChildListChanged { get; }

    /// <summary>Path from <see cref="CurrentTarget"/> to <see cref="Target"/> (map keys as strings, indices as ints).</summary>
    public IReadOnlyList<object> Path => _path ??= ComputePath(CurrentTarget, Target);

    /// <summary>Changed keys with action and old value.</summary>
    public IReadOnlyDictionary<string, YKeyChange> Keys => _keys ??= ComputeKeys();

    /// <summary>The sequence delta (retain / insert / delete ops).</summary>
    public IReadOnlyList<YDeltaOp> Delta => _delta ??= ComputeDelta();

    internal bool Adds(Item item) => item.Clock >= Transaction.BeforeStateOf(item.Client);

    internal bool Deletes(Item item) => Transaction.DeleteSet.IsDeleted(item.Id);

    internal virtual List<YDeltaOp> ComputeDelta()
    {
        var delta = new List<YDeltaOp>();
        if (!ChildListChanged)
        {
            return delta;
        }

        YDeltaOp? last = null;
        for (var item = Target.Start; item is not null; item = item.Right)
        {
            if (item.Deleted)
            {
                if (Deletes(item) && !Adds(item))
                {
                    if (last?.Delete is null)
                    {
                        last = new YDeltaOp { Delete = 0 };
                        delta.Add(last);
                    }

                    last.Delete += item.Length;
                }
            }
            else if (Adds(item))
            {
                if (last?.Insert is null)
                {
                    last = new YDeltaOp { Insert = new List<object?>() };
                    delta.Add(last);
                }

                item.Content.AppendValues((List<object?>)last.Insert!);
            }
            else
            {
                if (last?.Retain is null)
                {
                    last = new YDeltaOp { Retain = 0 };
                    delta.Add(last);
                }

                last.Retain += item.Length;
            }
        }

        if (last?.Retain is not null)
        {
            delta.RemoveAt(delta.Count - 1);
        }

        return delta;
    }

    private Dictionary<string, YKeyChange> ComputeKeys()
    {
        var keys = new Dictionary<string, YKeyChange>(StringComparer.Ordinal);
        foreach (var key in KeysChanged)
        {
            var item = Target.Map[key];
            if (Adds(item))
            {
                var prev = item.Left;
                while (prev is not null && Adds(prev))
                {
                    prev = prev.Left;
                }

                if (Deletes(item))
                {
                    if (prev is not null && Deletes(prev))
                    {
                        keys[key] = new YKeyChange(YKeyAction.Delete, prev.Content.GetValue(prev.Length - 1));
                    }
                }
                else if (prev is not null && Deletes(prev))
                {
                    keys[key] = new YKeyChange(YKeyAction.Update, prev.Content.GetValue(prev.Length - 1));
                }
                else
                {
                    keys[key] = new YKeyChange(YKeyAction.Add, JsUndefined.Value);
                }
            }
            else if (Deletes(item))
            {
                keys[key] = new YKeyChange(YKeyAction.Delete, item.Content.GetValue(item.Length - 1));
            }
        }

        return keys;
    }

    private static List<object> ComputePath(AbstractType parent, AbstractType child)
    {
        var path = new List<object>();
        while (child.Item is not null && child != parent)
        {
            if (child.Item.ParentSub is not null)
            {
                path.Insert(0, child.Item.ParentSub);
            }
            else
            {
                var i = 0;
                var c = child.Item.Parent!.Start;
                while (c != child.Item && c is not null)
                {
                    if (!c.Deleted && c.Countable)
                    {
                        i += c.Length;
                    }

                    c = c.Right;
                }

                path.Insert(0, i);
            }

            child = child.Item.Parent!;
        }

        return path;
    }
}
