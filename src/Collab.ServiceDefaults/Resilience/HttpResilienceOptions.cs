using System.ComponentModel.DataAnnotations;

namespace Collab.ServiceDefaults.Resilience;

/// <summary>
/// Resilience for outgoing HTTP (bound from <c>Collab:HttpResilience</c>): a total timeout around retries with
/// exponential back-off and jitter, a circuit breaker, and a timeout per attempt — the shape of the
/// Microsoft.Extensions.Http.Resilience standard handler, which cannot be restored here.
/// </summary>
public sealed class HttpResilienceOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Collab:HttpResilience";

    /// <summary>Upper bound for a request including every retry. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound for one attempt. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt for transient failures (network errors, 408, 429, 5xx). Default 3.</summary>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Base of the exponential back-off (jittered); a Retry-After header takes precedence. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Failure ratio over <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit. Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Requests needed in the sampling window before the circuit may open. Default 20.</summary>
    [Range(2, int.MaxValue)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    /// <summary>Window over which failures are counted. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit rejects requests before letting one through. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
