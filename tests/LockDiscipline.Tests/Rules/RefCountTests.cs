using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class RefCountTests
    {
        [Fact]
        public Task ReportsLeakDoubleDropUseAfterDropUnownedAndFinalDropUnderLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Kvm {
  public Mutex Lock = new Mutex();
  [TakesRef] public void Get() {}
  [TakesRef(WhenReturns = true)] public bool GetSafe() => true;
  [DropsRef] public void Put() { DestroyVm(); }
  void DestroyVm() { Devices(); }
  void Devices() { G.SetKvm(null); }
  public static Group G = new Group();
}
public class Group {
  public Mutex GroupLock = new Mutex();
  [HoldsRef] public Kvm? Kvm;
  public void SetKvm(Kvm? k) { GroupLock.Lock(); GroupLock.Unlock(); }
  [ReturnsRef] public static Group? Lookup() => null;
  [DropsRef] public void PutGroup() {}
}
public class User {
  void Seed000(Group g, Kvm k) { g.GroupLock.Lock(); k.Put(); g.GroupLock.Unlock(); }
  void Fixed000(Group g, Kvm k) { g.GroupLock.Lock(); g.GroupLock.Unlock(); k.Put(); }
  void Leak(Kvm k, bool e) { k.Get(); if (e) return; k.Put(); }
  void Balanced(Kvm k) { k.Get(); k.Put(); }
  void Safe(Kvm k) { if (!k.GetSafe()) return; k.Put(); }
  void Double(Kvm k) { k.Get(); k.Put(); k.Put(); }
  void Use(Kvm k) { var g = Group.Lookup(); if (g == null) return; g.PutGroup(); g.ToString(); }
  void NotOwned(Group g) { g.PutGroup(); }
  void Steal(Group g) { var c = g.Kvm; g.Kvm = null; c?.Put(); }
  void Store(Group g, Kvm k) { k.Get(); g.Kvm = k; }
  void LookupLeak() { var g = Group.Lookup(); if (g is null) return; }
  void LookupOk() { var g = Group.Lookup(); if (g is null) return; g.PutGroup(); }
}
",
                },
                Verify.Diagnostic("LD2004").WithSpan("File1.cs", 20, 54, 20, 61).WithSpan("File1.cs", 7, 34, 7, 45).WithSpan("File1.cs", 8, 22, 8, 31).WithSpan("File1.cs", 9, 20, 9, 34).WithSpan("File1.cs", 15, 32, 15, 48).WithSpan("File1.cs", 20, 34, 20, 52).WithMessage("'Put' may drop the final reference while 'g.GroupLock' is held (acquired at File1.cs:20), and its release path acquires 'g.GroupLock': Put -> DestroyVm -> Devices -> SetKvm -> GroupLock.Lock()"),
                Verify.Diagnostic("LD2005").WithSpan("File1.cs", 20, 54, 20, 61).WithMessage("'Put' drops a reference to 'k' that this method does not own"),
                Verify.Diagnostic("LD2005").WithSpan("File1.cs", 21, 77, 21, 84).WithMessage("'Put' drops a reference to 'k' that this method does not own"),
                Verify.Diagnostic("LD2001").WithSpan("File1.cs", 22, 30, 22, 37).WithMessage("The reference taken by 'Get' is neither dropped nor handed on along a path out of 'Leak' (when it returns at line 22)"),
                Verify.Diagnostic("LD2002").WithSpan("File1.cs", 25, 42, 25, 49).WithSpan("File1.cs", 25, 33, 25, 40).WithMessage("'Put' drops the reference held in 'k' a second time on this path (first dropped at File1.cs:25)"),
                Verify.Diagnostic("LD2003").WithSpan("File1.cs", 26, 82, 26, 83).WithSpan("File1.cs", 26, 68, 26, 80).WithMessage("'g' is used after this method dropped its reference at File1.cs:26"),
                Verify.Diagnostic("LD2005").WithSpan("File1.cs", 27, 28, 27, 40).WithMessage("'PutGroup' drops a reference to 'g' that this method does not own"),
                Verify.Diagnostic("LD2001").WithSpan("File1.cs", 30, 31, 30, 45).WithMessage("The reference taken by 'Lookup' is neither dropped nor handed on along a path out of 'LookupLeak' (at the end of the method)"));

        [Fact]
        public Task BalancedTransferredAndConditionalReferencesAreClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Kvm
{
    public Mutex Lock = new Mutex();
    [TakesRef] public void Get() { }
    [TakesRef(WhenReturns = true)] public bool GetSafe() => true;
    [DropsRef] public void Put() { }
}
public class Device
{
    public Mutex DevLock = new Mutex();
    [HoldsRef] public Kvm? Kvm;
    [ReturnsRef] public static Device? Lookup(int id) => null;
    [DropsRef] public void PutDevice() { }
    static void Consume([ConsumesRef] Kvm k) { k.Put(); }
    void GetThenPut(Kvm k) { k.Get(); Work(); k.Put(); }
    void Conditional(Kvm k) { if (!k.GetSafe()) return; k.Put(); }
    void NullReturn(int id) { var d = Lookup(id); if (d is null) return; d.PutDevice(); }
    void Transfer(Kvm k) { k.Get(); Kvm = k; }
    void Steal() { var c = Kvm; Kvm = null; c?.Put(); }
    void Hand(Kvm k) { k.Get(); Consume(k); }
    void Loop(Kvm k, int n) { for (var i = 0; i < n; i++) { k.Get(); k.Put(); } }
    void PutAfterUnlock() { DevLock.Lock(); var k = Kvm; Kvm = null; DevLock.Unlock(); k?.Put(); }
    [ReturnsRef] Device? Returned(int id) { var d = Lookup(id); return d; }
    void Work() { }
}
",
                }
);

        /// <summary>
        /// A reference taken on a value already stored in a [HoldsRef] member (directly, or by a constructor run in a lambda, as
        /// kvm_vcpu_init sets vcpu->kvm before kvm_vm_ioctl_create_vcpu takes the reference) belongs to that holder.
        /// </summary>
        [Fact]
        public Task AReferenceTakenOnAValueAHolderAlreadyPointsAtBelongsToTheHolder()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"using System;
using LockDiscipline;
public class Kvm
{
    [TakesRef] public void Get() { }
    [DropsRef] public void Put() { }
    [DropsRef(NotFinal = true)] public void PutNoDestroy() { }
}
public class Vcpu
{
    public Vcpu(Kvm kvm) { Kvm = kvm; }
    [HoldsRef] public Kvm Kvm;
}
public class Device
{
    [HoldsRef] public Kvm? Kvm;
}
public static class Files
{
    public static int Install(object data) => 3;
    public static T Alloc<T>(Func<T> make) => make();
}
public static class Create
{
    public static int Vcpu(Kvm kvm)
    {
        var vcpu = Files.Alloc(() => new Vcpu(kvm));
        kvm.Get();
        var fd = Files.Install(vcpu);
        if (fd < 0)
        {
            kvm.PutNoDestroy();
            return fd;
        }
        return fd;
    }
    public static void Device(Kvm kvm)
    {
        var dev = new Device();
        dev.Kvm = kvm;
        kvm.Get();
        Files.Install(dev);
    }
    public static void Close(Vcpu vcpu) { vcpu.Kvm.Put(); }
    public static void Close(Device dev) { dev.Kvm?.Put(); }
    public static void NotStored(Kvm kvm)
    {
        var dev = new Device();
        kvm.Get();
        Files.Install(dev);
    }
}
",
                },
                Verify.Diagnostic("LD2001").WithSpan("File0.cs", 49, 9, 49, 18).WithMessage("The reference taken by 'Get' is neither dropped nor handed on along a path out of 'NotStored' (at the end of the method)"));
    }
}
