namespace Collab.Yjs;

/// <summary>Content carried by an <see cref="Item"/>; one subclass per content ref (1..9).</summary>
internal abstract class AbstractContent
{
    public abstract int Ref { get; }

    public abstract int Length { get; }

    public abstract bool Countable { get; }

    /// <summary>The value of element <paramref name="index"/> (0 ≤ index &lt; Length) as seen by readers.</summary>
    public abstract object? GetValue(int index);

    /// <summary>Appends every element value (yjs <c>getContent()</c>).</summary>
    public virtual void AppendValues(List<object?> target)
    {
        for (var i = 0; i < Length; i++)
        {
            target.Add(GetValue(i));
        }
    }

    public abstract AbstractContent Copy();

    public virtual AbstractContent Splice(int offset) => throw new InvalidOperationException("Content cannot be split.");

    public virtual bool MergeWith(AbstractContent right) => false;

    /// <summary>Whether <see cref="MergeWith"/> merges content of the same type (it always does, or never).</summary>
    public virtual bool Mergeable => false;

    public virtual void Integrate(Transaction transaction, Item item)
    {
    }

    public virtual void Delete(Transaction transaction)
    {
    }

    public virtual void Gc(StructStore store)
    {
    }

    public abstract void Write(IUpdateEncoder encoder, int offset);
}
