using Collab.SyncServer.Extensions.Logger;
using Collab.SyncServer.Hooks;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the hook event logger.</summary>
public static class LoggerRegistration
{
    /// <summary>Adds the logger extension unless <c>Collab:Logger:Enabled</c> is false (see <see cref="LoggerOptions"/>).</summary>
    public static IHostApplicationBuilder AddCollabLogger(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LoggerOptions>().BindConfiguration(LoggerOptions.SectionName).ValidateOnStart();
        if (!builder.Configuration.GetValue($"{LoggerOptions.SectionName}:Enabled", true))
        {
            return builder;
        }

        builder.Services.AddCollabExtension<LoggerExtension>();
        return builder;
    }
}
