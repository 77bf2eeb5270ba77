using System.Diagnostics;
using Collab.ServiceDefaults.Health;
using OpenTelemetry;

namespace Collab.ServiceDefaults.Telemetry;

/// <summary>
/// Drops the spans of health probes (<c>/health</c>, <c>/alive</c>): orchestrators call them every few seconds
/// and they would drown the traces that matter.
/// </summary>
internal sealed class HealthProbeFilter : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data.Source.Name == "Microsoft.AspNetCore"
            && data.GetCustomProperty(HealthEndpoints.ProbeMarker) is true)
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    /// <summary>Marks the current request's span as a probe; called by the health endpoints' middleware.</summary>
    public static void MarkProbe() => Activity.Current?.SetCustomProperty(HealthEndpoints.ProbeMarker, true);
}
