using System.Collections.Generic;

namespace Kernel
{
    /// <summary>notifier_fn_t.</summary>
    public delegate int NotifierFn(NotifierBlock nb, ulong action, object? data);

    /// <summary>struct notifier_block. <see cref="Owner"/> stands in for container_of().</summary>
    public sealed class NotifierBlock
    {
        public NotifierBlock(object owner, NotifierFn notifierCall)
        {
            Owner = owner;
            NotifierCall = notifierCall;
        }

        public object Owner { get; }

        public NotifierFn NotifierCall { get; }

        public T ContainerOf<T>() where T : class => (T)Owner;
    }

    /// <summary>struct blocking_notifier_head.</summary>
    public sealed class BlockingNotifierHead
    {
        public readonly RwSemaphore Rwsem = new();

        internal readonly List<NotifierBlock> Chain = new();

        public bool IsEmpty
        {
            get
            {
                lock (Chain)
                {
                    return Chain.Count == 0;
                }
            }
        }
    }

    /// <summary>kernel/notifier.c.</summary>
    public static class Notifier
    {
        public const int NotifyDone = 0x0000;
        public const int NotifyOk = 0x0001;
        public const int NotifyStopMask = 0x8000;

        // blocking_notifier_chain_register
        public static int BlockingNotifierChainRegister(BlockingNotifierHead nh, NotifierBlock n)
        {
            nh.Rwsem.DownWrite();
            lock (nh.Chain)
            {
                nh.Chain.Add(n);
            }

            nh.Rwsem.UpWrite();
            return 0;
        }

        // blocking_notifier_chain_unregister
        public static int BlockingNotifierChainUnregister(BlockingNotifierHead nh, NotifierBlock n)
        {
            nh.Rwsem.DownWrite();
            bool removed;
            lock (nh.Chain)
            {
                removed = nh.Chain.Remove(n);
            }

            nh.Rwsem.UpWrite();
            return removed ? 0 : -Errno.ENOENT;
        }

        // blocking_notifier_call_chain
        public static int BlockingNotifierCallChain(BlockingNotifierHead nh, ulong val, object? v)
        {
            var ret = NotifyDone;
            if (nh.IsEmpty)
            {
                return ret;
            }

            nh.Rwsem.DownRead();
            NotifierBlock[] chain;
            lock (nh.Chain)
            {
                chain = nh.Chain.ToArray();
            }

            foreach (var nb in chain)
            {
                ret = nb.NotifierCall(nb, val, v);
                if ((ret & NotifyStopMask) != 0)
                {
                    break;
                }
            }

            nh.Rwsem.UpRead();
            return ret;
        }
    }
}
