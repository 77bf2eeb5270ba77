using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;
using Collab.Benchmarks.Workloads;

namespace Collab.Benchmarks.Comparison;

/// <summary>
/// The job every comparison benchmark uses: one process, <see cref="WorkloadNames.Warmup"/> warmup and
/// <see cref="WorkloadNames.Iterations"/> measured iterations of one invocation each, the same counts the yjs
/// baseline runs with,
/// and a plain mean over all measured iterations.
/// </summary>
public sealed class ComparisonConfig : ManualConfig
{
    public ComparisonConfig()
    {
        AddJob(Job.Default
            .WithId("vs-yjs")
            .WithLaunchCount(1)
            .WithWarmupCount(WorkloadNames.Warmup)
            .WithIterationCount(WorkloadNames.Iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithOutlierMode(OutlierMode.DontRemove)); // the baseline's mean keeps every iteration too
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
