using Collab.SyncServer.Api;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the operator HTTP API (its endpoints are mapped by <c>MapCollabApi</c>).</summary>
public static class ApiRegistration
{
    /// <summary>Binds and validates <c>Collab:Api</c> (see <see cref="ApiOptions"/>).</summary>
    public static IHostApplicationBuilder AddCollabApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<ApiKeyFilter>();
        return builder;
    }
}
