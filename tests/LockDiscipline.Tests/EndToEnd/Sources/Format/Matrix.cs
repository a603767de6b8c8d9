using LockDiscipline;

[assembly: LockOrder("Shapes.Vm.Lock", "Shapes.MatrixDev.Lock")]

namespace Shapes
{
    public class Vm { public Mutex Lock = new Mutex(); public int Masks; }

    public static class VmRefs
    {
        [TakesRef] public static void Get(Vm vm) { }
        [DropsRef] public static void Put(Vm vm) { }
    }

    public static class Crypto
    {
        public static void SetMasks(Vm vm, int apm) { vm.Lock.Lock(); vm.Masks = apm; vm.Lock.Unlock(); }
    }

    public class MatrixDev { public static Mutex Lock = new Mutex(); }

    public class Mdev
    {
        public int Apm;

        [Requires("Shapes.MatrixDev.Lock")]
        public void SetVm(Vm vm)
        {
            Crypto.SetMasks(vm, Apm);
        }
    }
}
