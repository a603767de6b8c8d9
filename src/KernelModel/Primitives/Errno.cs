namespace Kernel
{
    /// <summary>include/uapi/asm-generic/errno*.h and the kernel-internal codes used here.</summary>
    public static class Errno
    {
        public const int EPERM = 1;
        public const int ENOENT = 2;
        public const int EINTR = 4;
        public const int EIO = 5;
        public const int ENXIO = 6;
        public const int EBADF = 9;
        public const int EAGAIN = 11;
        public const int EWOULDBLOCK = EAGAIN;
        public const int ENOMEM = 12;
        public const int EFAULT = 14;
        public const int EBUSY = 16;
        public const int EEXIST = 17;
        public const int ENODEV = 19;
        public const int EINVAL = 22;
        public const int ENOTTY = 25;
        public const int ERANGE = 34;
        public const int ENOSYS = 38;
        public const int EREMOTE = 66;
        public const int EOPNOTSUPP = 95;
        public const int ENOTCONN = 107;
        public const int ERESTARTSYS = 512;
        public const int ENOIOCTLCMD = 515;
    }
}
