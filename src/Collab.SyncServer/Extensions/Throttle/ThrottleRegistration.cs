using Collab.SyncServer.Extensions.Throttle;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the connection throttle.</summary>
public static class ThrottleRegistration
{
    /// <summary>Adds the throttle when <c>Collab:Throttle:Enabled</c> is true (see <see cref="ThrottleOptions"/>).</summary>
    public static IHostApplicationBuilder AddCollabThrottle(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ThrottleOptions>().BindConfiguration(ThrottleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (!builder.Configuration.GetValue<bool>($"{ThrottleOptions.SectionName}:Enabled"))
        {
            return builder;
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ClientAddressResolver>();
        builder.Services.AddCollabExtension<ThrottleExtension>();
        return builder;
    }
}
