using Collab.Yjs.Lib0;

namespace Collab.Yjs;

internal sealed class ContentAny(List<object?> values) : AbstractContent
{
    public List<object?> Values = values;

    public override int Ref => 8;

    public override int Length => Values.Count;

    public override bool Countable => true;

    public override object? GetValue(int index) => Values[index];

    public override void AppendValues(List<object?> target) => target.AddRange(Values);

    public override AbstractContent Copy() => new ContentAny([.. Values]);

    public override AbstractContent Splice(int offset)
    {
        var right = new ContentAny(Values.GetRange(offset, Values.Count - offset));
        Values.RemoveRange(offset, Values.Count - offset);
        return right;
    }

    public override bool Mergeable => true;

    public override bool MergeWith(AbstractContent right)
    {
        Values.AddRange(((ContentAny)right).Values);
        return true;
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteLen(Values.Count - offset);
        for (var i = offset; i < Values.Count; i++)
        {
            encoder.WriteAny(Values[i]);
        }
    }
}

/// <summary>Legacy JSON content (ref 2): elements travel as JSON text; the text <c>undefined</c> is the undefined value.</summary>
internal sealed class ContentJson(List<object?> values) : AbstractContent
{
    public List<object?> Values = values;

    public override int Ref => 2;

    public override int Length => Values.Count;

    public override bool Countable => true;

    public override object? GetValue(int index) => Values[index];

    public override void AppendValues(List<object?> target) => target.AddRange(Values);

    public override AbstractContent Copy() => new ContentJson([.. Values]);

    public override AbstractContent Splice(int offset)
    {
        var right = new ContentJson(Values.GetRange(offset, Values.Count - offset));
        Values.RemoveRange(offset, Values.Count - offset);
        return right;
    }

    public override bool Mergeable => true;

    public override bool MergeWith(AbstractContent right)
    {
        Values.AddRange(((ContentJson)right).Values);
        return true;
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteLen(Values.Count - offset);
        for (var i = offset; i < Values.Count; i++)
        {
            var v = Values[i];
            encoder.WriteString(v is JsUndefined ? "undefined" : JsJson.Stringify(v));
        }
    }
}
