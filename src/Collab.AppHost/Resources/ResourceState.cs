namespace Collab.AppHost.Resources;

/// <summary>The life of a resource, as the Aspire dashboard names it.</summary>
internal enum ResourceState
{
    Starting,
    Running,
    Healthy,
    Unhealthy,
    Stopping,
    Exited,
    FailedToStart,
}
