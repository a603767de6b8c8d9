using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>LD2006: a [HoldsRef] member whose owner's teardown (Dispose, a [DropsRef] release path) never drops it.</summary>
    public class LD2006Tests
    {
        [Fact]
        public Task ReportsADisposeThatDropsOnlySomeTimesOrNeverAndAcceptsHelpersAndHandOffs()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"using System;
using LockDiscipline;
public class Kvm
{
    [TakesRef] public void Get() { }
    [DropsRef] public void Put() { }
}
public static class Sink
{
    public static void Keep([ConsumesRef] Kvm kvm) { kvm.Put(); }
}
public sealed class DropsDirectly : IDisposable
{
    [HoldsRef] private Kvm? _kvm;
    public DropsDirectly([ConsumesRef] Kvm kvm) { _kvm = kvm; }
    public void Dispose() { _kvm?.Put(); _kvm = null; }
}
public class DropsThroughHelper : IDisposable
{
    [HoldsRef] private readonly Kvm _kvm;
    public DropsThroughHelper([ConsumesRef] Kvm kvm) { _kvm = kvm; }
    public void Dispose() { Dispose(true); }
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release(_kvm);
        }
    }
    private static void Release([ConsumesRef] Kvm kvm) { kvm.Put(); }
}
public sealed class HandsOn : IDisposable
{
    [HoldsRef] private Kvm _kvm;
    public HandsOn([ConsumesRef] Kvm kvm) { _kvm = kvm; }
    public void Dispose() { var kvm = _kvm; Sink.Keep(kvm); }
}
public sealed class DropsOnSomePaths : IDisposable
{
    [HoldsRef] private readonly Kvm _kvm;
    private bool _opened;
    public DropsOnSomePaths([ConsumesRef] Kvm kvm) { _kvm = kvm; }
    public void Open() { _opened = true; }
    public void Dispose()
    {
        if (_opened)
        {
            _kvm.Put();
        }
    }
}
public sealed class NeverDrops : IDisposable
{
    [HoldsRef] public Kvm Kvm;
    public NeverDrops([ConsumesRef] Kvm kvm) { Kvm = kvm; }
    public void Dispose() { Console.WriteLine(""closed""); }
}
",
                },
                Verify.Diagnostic("LD2006").WithSpan("File0.cs", 40, 37, 40, 41).WithMessage(@"'DropsOnSomePaths._kvm' holds a reference that 'Dispose' neither drops nor hands on, on some path through it"),
                Verify.Diagnostic("LD2006").WithSpan("File0.cs", 54, 27, 54, 30).WithMessage(@"'NeverDrops.Kvm' holds a reference that 'Dispose' neither drops nor hands on, on some path through it"));

        [Fact]
        public Task ReportsAReleasePathThatNeverDropsAndAMemberNoCodeDrops()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"using LockDiscipline;
public class IommuGroup
{
    [DropsRef] public void Put() { }
}
public class Kvm
{
    [DropsRef] public void Put() { }
}
public class VfioGroup
{
    public int Refs = 1;
    [HoldsRef] public IommuGroup IommuGroup;
    [HoldsRef] public Kvm? Kvm;
    public VfioGroup([ConsumesRef] IommuGroup iommuGroup) { IommuGroup = iommuGroup; }
}
public static class Vfio
{
    [DropsRef]
    public static void GroupPut(VfioGroup group)
    {
        if (--group.Refs == 0)
        {
            GroupRelease(group);
        }
    }
    private static void GroupRelease(VfioGroup group)
    {
        group.IommuGroup.Put();
    }
    [DropsRef]
    public static void GroupClose(VfioGroup group) => GroupPut(group);
}
public class Mdev
{
    [HoldsRef] public Kvm? Kvm;
    public void SetKvm([ConsumesRef] Kvm kvm) { Kvm = kvm; }
}
public class Matrix
{
    [HoldsRef] public Kvm? Kvm;
    public void SetKvm([ConsumesRef] Kvm kvm) { Kvm = kvm; }
    public void UnsetKvm()
    {
        var kvm = Kvm;
        Kvm = null;
        kvm?.Put();
    }
}
public sealed class Device : System.IDisposable
{
    [HoldsRef] public Kvm? Kvm;
    public void Open([ConsumesRef] Kvm kvm) { Kvm = kvm; }
    public void LastClose()
    {
        var kvm = Kvm;
        Kvm = null;
        kvm?.Put();
    }
    public void Dispose() { }
}
",
                },
                Verify.Diagnostic("LD2006").WithSpan("File0.cs", 14, 28, 14, 31).WithMessage(@"'VfioGroup.Kvm' holds a reference that the release path of 'GroupPut' never drops nor hands on"),
                Verify.Diagnostic("LD2006").WithSpan("File0.cs", 36, 28, 36, 31).WithMessage(@"'Mdev.Kvm' holds a reference that no code in the compilation drops or hands on, and 'Mdev' has no teardown (Dispose or a [DropsRef] release path)"));
    }
}
