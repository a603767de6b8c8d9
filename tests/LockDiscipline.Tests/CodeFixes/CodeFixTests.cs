using System.Threading.Tasks;
using LockDiscipline.CodeFixes;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.CodeFixes
{
    /// <summary>Each fix: before/after, the no-fix cases, and Fix All. Messages and chains are asserted by the rule tests.</summary>
    public class CodeFixTests
    {
        private const string KvmTypes = @"#nullable enable
using LockDiscipline;
using Prims;
public class Kvm
{
    [DropsRef] public void PutKvm() { Destroy(); }
    void Destroy() { Group.Current.SetKvm(); }
}
public class Group
{
    public static Group Current = new Group();
    public Mutex GroupLock = new Mutex();
    public void SetKvm() { GroupLock.Lock(); GroupLock.Unlock(); }
}
public class Device
{
    public Group Group = new Group();
    public int OpenCount;
    [HoldsRef] public Kvm? Kvm;
";

        private const string Inversion = "Lock-order inversion: 'C.B' is acquired while 'C.A' is held, but [LockOrder] declares 'C.B' outside 'C.A'";
        private const string FinalPut = "'PutKvm' may drop the final reference while 'Group.GroupLock' is held (acquired at File1.cs:22), and its release path acquires 'Group.GroupLock': PutKvm -> Destroy -> SetKvm -> GroupLock.Lock()";
        private const string LeakedMu = "'mu' is acquired here and is still held on some path out of 'Work' (when it returns at line 8)";

        private static DiagnosticResult At(string id, int line, int column, int endColumn, string message)
            => Verify.Diagnostic(id).WithSpan("File1.cs", line, column, line, endColumn).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(message);

        [Fact]
        public Task MovesTheFinalPutAfterTheUnlock()
            => Verify.CodeFixAsync<MoveDropAfterReleaseCodeFix>(
                KvmTypes + @"    void Close()
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
",
                new[] { At("LD2004", 27, 17, 26, FinalPut) },
                KvmTypes + @"    void Close()
    {
        Kvm? kvmToDrop = null;
        Group.GroupLock.Lock();
        if (--OpenCount == 0)
        {
            var kvm = Kvm;
            Kvm = null;
            kvmToDrop = kvm;
        }
        Group.GroupLock.Unlock();
        kvmToDrop?.PutKvm();
    }
}
");

        [Fact]
        public Task NoMoveWhenThePutIsInALoop()
        {
            var source = KvmTypes + @"    void CloseAll(Kvm[] all)
    {
        Group.GroupLock.Lock();
        foreach (var kvm in all)
        {
            kvm.PutKvm();
        }
        Group.GroupLock.Unlock();
    }
}
";
            return Verify.CodeFixAsync<MoveDropAfterReleaseCodeFix>(
                source,
                new[] { At("LD2004", 25, 13, 25, FinalPut), NeverDropped },
                source,
                new[] { At("LD2004", 25, 13, 25, FinalPut), NeverDropped });
        }

        /// <summary>This source alone never drops <c>Device.Kvm</c> (the other fixes' sources do).</summary>
        private static DiagnosticResult NeverDropped
            => At("LD2006", 19, 28, 31, "'Device.Kvm' holds a reference that no code in the compilation drops or hands on, and 'Device' has no teardown (Dispose or a [DropsRef] release path)");

        [Fact]
        public Task WrapsTheHeldRegionInTryFinally()
            => Verify.CodeFixAsync<ReleaseInFinallyCodeFix>(
                @"using Prims;
public class C
{
    Mutex mu = new Mutex();
    void Work(bool fail)
    {
        mu.Lock();
        if (fail) return;
        Step();
        mu.Unlock();
    }
    void Step() { }
}
",
                new[] { At("LD1008", 7, 9, 18, LeakedMu) },
                @"using Prims;
public class C
{
    Mutex mu = new Mutex();
    void Work(bool fail)
    {
        mu.Lock();
        try
        {
            if (fail) return;
            Step();
        }
        finally
        {
            mu.Unlock();
        }
    }
    void Step() { }
}
");

        [Fact]
        public Task DisposesAScopedGuardWithUsing()
            => Verify.CodeFixAsync<ReleaseInFinallyCodeFix>(
                @"using LockDiscipline;
[ScopedLock] public struct Guard : System.IDisposable { public void Dispose() { } }
public class Device { [Acquires] public Guard Lock() => default; }
public class C
{
    Device dev = new Device();
    void Work()
    {
        var guard = dev.Lock();
    }
}
",
                new[] { At("LD1008", 9, 21, 31, "'dev' is acquired here and is still held on some path out of 'Work' (at the end of the method)") },
                @"using LockDiscipline;
[ScopedLock] public struct Guard : System.IDisposable { public void Dispose() { } }
public class Device { [Acquires] public Guard Lock() => default; }
public class C
{
    Device dev = new Device();
    void Work()
    {
        using var guard = dev.Lock();
    }
}
");

        [Fact]
        public Task TheUsingReplacesTheExplicitDisposeOfTheGuard()
            => Verify.CodeFixAsync<ReleaseInFinallyCodeFix>(
                @"using LockDiscipline;
[ScopedLock] public struct Guard : System.IDisposable { public void Dispose() { } }
public class Device { [Acquires] public Guard Lock() => default; }
public class C
{
    Device dev = new Device();
    int n;
    void Work(bool fail)
    {
        var guard = dev.Lock();
        if (fail) return;
        n++;
        guard.Dispose();
    }
}
",
                new[] { At("LD1008", 10, 21, 31, "'dev' is acquired here and is still held on some path out of 'Work' (when it returns at line 11)") },
                @"using LockDiscipline;
[ScopedLock] public struct Guard : System.IDisposable { public void Dispose() { } }
public class Device { [Acquires] public Guard Lock() => default; }
public class C
{
    Device dev = new Device();
    int n;
    void Work(bool fail)
    {
        using var guard = dev.Lock();
        if (fail) return;
        n++;
    }
}
");

        [Fact]
        public Task NoUsingWhenTheGuardIsAlsoDisposedInsideABranch()
        {
            var source = @"using LockDiscipline;
[ScopedLock] public struct Guard : System.IDisposable { public void Dispose() { } }
public class Device { [Acquires] public Guard Lock() => default; }
public class C
{
    Device dev = new Device();
    int n;
    void Work(bool fail)
    {
        var guard = dev.Lock();
        if (fail) { n--; return; }
        if (n > 0) { guard.Dispose(); return; }
        n++;
    }
}
";
            var leaked = At("LD1008", 10, 21, 31, "'dev' is acquired here and is still held on some path out of 'Work' (when it returns after line 11)");
            return Verify.CodeFixAsync<ReleaseInFinallyCodeFix>(source, new[] { leaked }, source, new[] { leaked });
        }

        [Fact]
        public Task NoTryFinallyWhenTheReleaseIsNotInTheSameBlock()
        {
            var source = @"using Prims;
public class C
{
    Mutex mu = new Mutex();
    void Work(bool fail)
    {
        mu.Lock();
        if (fail) return;
    }
}
";
            const string leaked = "'mu' is acquired here and is still held on some path out of 'Work' (at the end of the method) (if 'Work' returns holding it for its caller, say so with [Acquires(\"mu\")])";
            return Verify.CodeFixAsync<ReleaseInFinallyCodeFix>(source, new[] { At("LD1008", 7, 9, 18, leaked) }, source, new[] { At("LD1008", 7, 9, 18, leaked) });
        }

        [Fact]
        public Task DropsTheReferenceOnTheLeakingEarlyReturn()
            => Verify.CodeFixAsync<DropOnLeakingReturnCodeFix>(
                @"using LockDiscipline;
public class Group
{
    [ReturnsRef] public static Group Lookup(int id) => null;
    [DropsRef] public void Put() { }
}
public class Unbind
{
    void Remove(int id, bool fail)
    {
        var group = Group.Lookup(id);
        if (group == null)
            return;
        if (fail)
            return;
        group.Put();
    }
}
",
                new[] { At("LD2001", 11, 21, 37, "The reference taken by 'Lookup' is neither dropped nor handed on along a path out of 'Remove' (when it returns at line 15)") },
                @"using LockDiscipline;
public class Group
{
    [ReturnsRef] public static Group Lookup(int id) => null;
    [DropsRef] public void Put() { }
}
public class Unbind
{
    void Remove(int id, bool fail)
    {
        var group = Group.Lookup(id);
        if (group == null)
            return;
        if (fail)
        {
            group?.Put();
            return;
        }
        group.Put();
    }
}
");

        [Fact]
        public Task SwapsAdjacentAcquisitionsIntoTheDeclaredOrder()
            => Verify.CodeFixAsync<ReorderLocksCodeFix>(
                @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class C
{
    public Mutex A = new Mutex();
    public Mutex B = new Mutex();
    void Work()
    {
        A.Lock();
        B.Lock();
        B.Unlock();
        A.Unlock();
    }
}
",
                new[] { At("LD1001", 11, 9, 17, Inversion) },
                @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class C
{
    public Mutex A = new Mutex();
    public Mutex B = new Mutex();
    void Work()
    {
        B.Lock();
        A.Lock();
        A.Unlock();
        B.Unlock();
    }
}
");

        [Fact]
        public Task FixAllSwapsTheMinoritySideOfANestedLockCycle()
            => Verify.CodeFixAsync<ReorderLocksCodeFix>(
                @"public class C
{
    object a = new object();
    object b = new object();
    int n;
    void One() { lock (a) { lock (b) { n++; } } }
    void Two() { lock (a) { lock (b) { n--; } } }
    void Three() { lock (b) { lock (a) { n = 0; } } }
}
",
                new[]
                {
                    At("LD1002", 6, 35, 36, "Lock-order cycle C.a -> C.b -> C.a: 'C.b' is acquired while 'C.a' is held here, and elsewhere 'C.a' is acquired while 'C.b' is held at File1.cs:8 in Three"),
                    At("LD1002", 7, 35, 36, "Lock-order cycle C.a -> C.b -> C.a: 'C.b' is acquired while 'C.a' is held here, and elsewhere 'C.a' is acquired while 'C.b' is held at File1.cs:8 in Three"),
                    At("LD1002", 8, 37, 38, "Lock-order cycle C.b -> C.a -> C.b: 'C.a' is acquired while 'C.b' is held here, and elsewhere 'C.b' is acquired while 'C.a' is held at File1.cs:6 in One"),
                },
                @"public class C
{
    object a = new object();
    object b = new object();
    int n;
    void One() { lock (a) { lock (b) { n++; } } }
    void Two() { lock (a) { lock (b) { n--; } } }
    void Three() { lock (a) { lock (b) { n = 0; } } }
}
",
                fixAll: true);
    }
}
