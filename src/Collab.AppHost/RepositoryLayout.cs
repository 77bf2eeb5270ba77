using System.Reflection;

namespace Collab.AppHost;

/// <summary>Finds the services' build outputs, built in the AppHost's own configuration.</summary>
internal sealed class RepositoryLayout(string root, string configuration)
{
    public static RepositoryLayout Discover()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Collab.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException("Collab.AppHost runs from the repository (Collab.sln not found above " + AppContext.BaseDirectory + ").");
        }

        var configuration = typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return new RepositoryLayout(directory.FullName, configuration);
    }

    /// <summary>Where the AppHost's services keep their data: <c>data/apphost/</c> in the repository (git-ignored).</summary>
    public string DataDirectory { get; } = Directory.CreateDirectory(Path.Combine(root, "data", "apphost")).FullName;

    public string Assembly(string folder, string project)
    {
        var path = Path.Combine(root, folder, project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{project} is not built ({path}); build Collab.sln -c {configuration} first.", path);
    }
}
