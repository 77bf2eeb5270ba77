using Collab.SyncServer.Auth;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of client authentication.</summary>
public static class AuthRegistration
{
    /// <summary>
    /// Adds JWT authentication when <c>Collab:Auth:Jwt</c> has a key (see <see cref="JwtOptions"/>), and validates
    /// <c>Collab:Auth</c> on start (<c>Required</c> without a key is a startup error).
    /// </summary>
    public static IHostApplicationBuilder AddCollabAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        var options = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        if (!options.Jwt.IsConfigured)
        {
            return builder;
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<JwtTokenValidator>();
        builder.Services.TryAddSingleton<TokenExpiryWatcher>();
        builder.Services.AddCollabExtension<JwtAuthExtension>();
        return builder;
    }
}
