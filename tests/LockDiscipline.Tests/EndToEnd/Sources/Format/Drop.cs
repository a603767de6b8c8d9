#nullable enable
using LockDiscipline;

namespace Shapes
{
    public sealed class Kvm
    {
        [DropsRef] public void PutKvm() => Group.Current.SetKvm();
    }

    public sealed class Group
    {
        public static Group Current = new Group();
        public Mutex GroupLock = new Mutex();
        public void SetKvm() { GroupLock.Lock(); GroupLock.Unlock(); }
    }

    public sealed class Device
    {
        public Group Group = new Group();
        public int OpenCount;
        [HoldsRef] public Kvm? Kvm;

        public void Close()
        {
            Group.GroupLock.Lock();
            if (--OpenCount == 0)
            {
                var kvm = Kvm;
                Kvm = null;
                kvm?.PutKvm();
            }
            Group.GroupLock.Unlock();
        }
    }
}
