using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collab.ServiceDefaults.Health;

/// <summary>The <c>/health</c> (readiness: every check) and <c>/alive</c> (liveness: checks tagged "live") endpoints.</summary>
public static class HealthEndpoints
{
    /// <summary>Readiness path: every registered check must pass.</summary>
    public const string HealthPath = "/health";

    /// <summary>Liveness path: only checks tagged <see cref="LiveTag"/>; a failure here means "restart me".</summary>
    public const string AlivePath = "/alive";

    /// <summary>Tag that puts a health check in the liveness set.</summary>
    public const string LiveTag = "live";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>True for the probe paths, whose requests are left out of traces.</summary>
    /// <param name="path">A request path.</param>
    /// <returns>Whether it is <see cref="HealthPath"/> or <see cref="AlivePath"/>.</returns>
    public static bool IsProbe(PathString path) => path == HealthPath || path == AlivePath;

    internal static void Map(WebApplication app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteAsync });
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag), ResponseWriter = WriteAsync });
    }

    /// <summary>Writes the report as JSON: overall status and each check's status, description and duration.</summary>
    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 2));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            if (entry.Description is not null)
            {
                json.WriteString("description", entry.Description);
            }

            if (entry.Exception is not null)
            {
                json.WriteString("error", entry.Exception.Message);
            }

            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 2));
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
