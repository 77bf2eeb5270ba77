namespace Collab.Tests.SyncServer.Extensions;

/// <summary>A fresh folder under the system temp folder, deleted when disposed.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("collab-ext-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A handle still closing on a slow file system; the OS temp cleaner takes it.
        }
    }
}
