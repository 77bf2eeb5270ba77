using Collab.SyncServer.Editor;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the editor page (its endpoints are mapped by <c>MapCollabEditor</c>).</summary>
public static class EditorRegistration
{
    /// <summary>Binds and validates <c>Collab:Editor</c> (see <see cref="EditorOptions"/>) and loads the embedded page.</summary>
    public static IHostApplicationBuilder AddCollabEditor(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<EditorOptions>().BindConfiguration(EditorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EditorOptions>, EditorOptionsValidator>());
        builder.Services.TryAddSingleton(_ => EditorAssets.Load());
        builder.Services.AddHostedService<EditorAnnouncement>();
        return builder;
    }
}
