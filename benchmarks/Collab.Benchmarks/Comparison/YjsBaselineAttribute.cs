namespace Collab.Benchmarks.Comparison;

/// <summary>Names the workload of the yjs baseline script that a benchmark method measures the same way.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class YjsBaselineAttribute(string workload) : Attribute
{
    public string Workload { get; } = workload;
}
