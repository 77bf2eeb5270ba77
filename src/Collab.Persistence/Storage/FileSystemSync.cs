using System.Runtime.InteropServices;

namespace Collab.Persistence.Storage;

/// <summary>
/// fsync of a directory, which makes a rename inside it durable. .NET cannot open a directory as a file, so this goes
/// to libc on Unix; Windows has no equivalent (NTFS journals the rename itself), so it does nothing there.
/// </summary>
internal static partial class FileSystemSync
{
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, 0); // O_RDONLY
        if (fd < 0)
        {
            throw new IOException($"Could not open the folder {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).", Marshal.GetLastPInvokeError());
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // EINVAL: a file system that cannot sync directories (some network and FUSE ones); the rename is as durable as it gets
                if (errno != 22)
                {
                    throw new IOException($"Could not flush the folder {directory} (errno {errno}).", errno);
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
