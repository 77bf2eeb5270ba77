namespace Collab.Benchmarks.Workloads;

/// <summary>
/// Workload names shared with the yjs baseline (benchmarks/yjs-baseline/baseline.mjs, WORKLOADS), and the counts both
/// sides use. Changing one side means changing the other.
/// </summary>
public static class WorkloadNames
{
    public const string B4Replay = "b4-replay";
    public const string B4EncodeV1 = "b4-encode-v1";
    public const string B4EncodeV2 = "b4-encode-v2";
    public const string B4DecodeV1 = "b4-decode-v1";
    public const string B4DecodeV2 = "b4-decode-v2";
    public const string B1ApplyRemote = "b1-apply-remote";
    public const string ManyClientsApply = "many-clients-apply";
    public const string B4MergeFirst20K = "b4-merge-first20k";
    public const string B4MergeAll = "b4-merge-all";
    public const string MemoryB4Replayed = "memory-b4-replayed";
    public const string MemoryB4Decoded = "memory-b4-decoded";

    /// <summary>Unmeasured iterations before the measured ones (BenchmarkDotNet WarmupCount, baseline --warmup).</summary>
    public const int Warmup = 1;

    /// <summary>Measured iterations (BenchmarkDotNet IterationCount, baseline --iterations).</summary>
    public const int Iterations = 5;

    /// <summary>Encodings per iteration (a single encoding takes only milliseconds).</summary>
    public const int EncodeOps = 50;

    /// <summary>Decodings per iteration.</summary>
    public const int DecodeOps = 10;

    /// <summary>B1: single-character updates produced by one document.</summary>
    public const int B1Updates = 6000;

    /// <summary>Clients that wrote one character each to the document of <see cref="ManyClientsApply"/>.</summary>
    public const int ManyClients = 2000;

    /// <summary>Single-character updates of one more client applied to it.</summary>
    public const int ManyClientsUpdates = 2000;

    /// <summary>Updates merged by the <see cref="B4MergeFirst20K"/> workload.</summary>
    public const int MergePrefix = 20_000;

    /// <summary>The client id of every B4 / B1 document (a 5-byte varuint like most random ids).</summary>
    public const long ClientId = 0xDEADBEEF;
}
