namespace Microsoft.Extensions.Hosting;
/// <summary>Placeholder.</summary>
public static class Extensions
{
    /// <summary>x</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder b) => b;
    /// <summary>x</summary>
    public static Microsoft.AspNetCore.Builder.WebApplication MapDefaultEndpoints(this Microsoft.AspNetCore.Builder.WebApplication a) => a;
}
