using System.Collections.Concurrent;
using System.Threading;

namespace Kernel
{
    /// <summary>anon_inode_getfd() and the process's file table, reduced to numbered private data.</summary>
    public static class AnonInode
    {
        private static readonly ConcurrentDictionary<int, object> Files = new();
        private static int _nextFd = 3;

        // anon_inode_getfd
        public static int Getfd(string name, object privateData)
        {
            if (Slab.FailureInjector?.Invoke(name) == true)
            {
                return -Errno.ENOMEM;
            }

            var fd = Interlocked.Increment(ref _nextFd);
            Files[fd] = privateData;
            return fd;
        }

        /// <summary>fget() without the reference: the private data behind an installed fd.</summary>
        public static object? Lookup(int fd) => Files.TryGetValue(fd, out var data) ? data : null;

        /// <summary>close(): forgets the fd; the caller runs the file's release.</summary>
        public static object? Close(int fd) => Files.TryRemove(fd, out var data) ? data : null;
    }
}
