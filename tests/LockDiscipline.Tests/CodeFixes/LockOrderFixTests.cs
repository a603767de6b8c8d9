using System.Threading.Tasks;
using LockDiscipline.CodeFixes;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.CodeFixes
{
    /// <summary>
    /// The lock-order fixes beyond the plain swap: hoisting the inner acquisition over the whole outer section, and seed 004's shape,
    /// releasing the outer lock around a call that takes the inner one, with an extra reference held for the call.
    /// </summary>
    public class LockOrderFixTests
    {
        private const string Inversion = "Lock-order inversion: 'C.B' is acquired while 'C.A' is held, but [LockOrder] declares 'C.B' outside 'C.A'";

        private static DiagnosticResult At(string id, int line, int column, int endColumn, string message)
            => Verify.Diagnostic(id).WithSpan("File1.cs", line, column, line, endColumn).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(message);

        private const string TwoLocks = @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class C
{
    public Mutex A = new Mutex();
    public Mutex B = new Mutex();
    public Mutex Other = new Mutex();
    int n;
";

        [Fact]
        public Task NoSwapWhenWorkRunsBetweenTheAcquisitions()
        {
            var source = TwoLocks + @"    void Work()
    {
        A.Lock();
        n++;
        B.Lock();
        B.Unlock();
        A.Unlock();
    }
}
";
            return Verify.CodeFixAsync<ReorderLocksCodeFix>(source, new[] { At("LD1001", 14, 9, 17, Inversion) }, source, new[] { At("LD1001", 14, 9, 17, Inversion) }, equivalenceKey: ReorderLocksCodeFix.EquivalenceKey);
        }

        [Fact]
        public Task HoistsTheInnerAcquisitionAboveTheOuterSection()
            => Verify.CodeFixAsync<ReorderLocksCodeFix>(
                TwoLocks + @"    void Work()
    {
        A.Lock();
        n++;
        B.Lock();
        n += 2;
        B.Unlock();
        n--;
        A.Unlock();
    }
}
",
                new[] { At("LD1001", 14, 9, 17, Inversion) },
                TwoLocks + @"    void Work()
    {
        B.Lock();
        A.Lock();
        n++;
        n += 2;
        n--;
        A.Unlock();
        B.Unlock();
    }
}
",
                equivalenceKey: ReorderLocksCodeFix.HoistEquivalenceKey);

        [Fact]
        public Task HoistsANestedLockStatementIntoStackedLocks()
            => Verify.CodeFixAsync<ReorderLocksCodeFix>(
                @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    int n;
    void Work()
    {
        lock (a)
        {
            n++;
            lock (b)
            {
                n--;
            }
        }
    }
}
",
                new[] { At("LD1001", 13, 19, 20, "Lock-order inversion: 'C.b' is acquired while 'C.a' is held, but [LockOrder] declares 'C.b' outside 'C.a'") },
                @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    int n;
    void Work()
    {
        lock (b)
        lock (a)
        {
            n++;
            {
                n--;
            }
        }
    }
}
",
                equivalenceKey: ReorderLocksCodeFix.HoistEquivalenceKey);

        [Fact]
        public Task HoistsOnOneLineWhenTheCodeIsOnOneLine()
            => Verify.CodeFixAsync<ReorderLocksCodeFix>(
                @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    int n;
    void M() { lock (a) { n++; lock (b) { n++; } } }
}
",
                new[] { At("LD1001", 8, 38, 39, "Lock-order inversion: 'C.b' is acquired while 'C.a' is held, but [LockOrder] declares 'C.b' outside 'C.a'") },
                @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    int n;
    void M() { lock (b) lock (a) { n++; { n++; } } }
}
",
                equivalenceKey: ReorderLocksCodeFix.HoistEquivalenceKey);

        [Fact]
        public Task NoHoistWhenTheOuterSectionTakesAnotherLock()
        {
            var source = TwoLocks + @"    void Work()
    {
        A.Lock();
        Other.Lock();
        Other.Unlock();
        B.Lock();
        B.Unlock();
        A.Unlock();
    }
}
";
            return Verify.CodeFixAsync<ReorderLocksCodeFix>(source, new[] { At("LD1001", 15, 9, 17, Inversion) }, source, new[] { At("LD1001", 15, 9, 17, Inversion) });
        }

        [Fact]
        public Task NoHoistWhenTheOuterSectionCallsSomethingThatLocks()
        {
            var source = TwoLocks + @"    void Work()
    {
        A.Lock();
        Helper();
        B.Lock();
        B.Unlock();
        A.Unlock();
    }
    void Helper() { Other.Lock(); Other.Unlock(); }
}
";
            return Verify.CodeFixAsync<ReorderLocksCodeFix>(source, new[] { At("LD1001", 14, 9, 17, Inversion) }, source, new[] { At("LD1001", 14, 9, 17, Inversion) });
        }

        /// <summary>
        /// The call takes a lock only under the lock of an object it just made (ruled out at the call, so no order event is left
        /// there), yet the shared lock it takes under that one would come after the hoisted lock: still no hoist.
        /// </summary>
        [Fact]
        public Task NoHoistWhenTheOuterSectionCallsSomethingThatLocksUnderAFreshObjectsLock()
        {
            var source = TwoLocks + @"    void Work()
    {
        A.Lock();
        new C().Helper();
        B.Lock();
        B.Unlock();
        A.Unlock();
    }
    public static Mutex Gate = new Mutex();
    void Helper() { Other.Lock(); Gate.Lock(); Gate.Unlock(); Other.Unlock(); }
}
";
            return Verify.CodeFixAsync<ReorderLocksCodeFix>(source, new[] { At("LD1001", 14, 9, 17, Inversion) }, source, new[] { At("LD1001", 14, 9, 17, Inversion) });
        }

        [Fact]
        public Task NoHoistWhenTheOuterSectionReturnsEarly()
        {
            var source = TwoLocks + @"    void Work(bool done)
    {
        A.Lock();
        if (done)
        {
            A.Unlock();
            return;
        }
        B.Lock();
        B.Unlock();
        A.Unlock();
    }
}
";
            return Verify.CodeFixAsync<ReorderLocksCodeFix>(source, new[] { At("LD1001", 18, 9, 17, Inversion) }, source, new[] { At("LD1001", 18, 9, 17, Inversion) });
        }

        private const string Guards = @"using LockDiscipline;
[assembly: LockOrder(""C.B"", ""C.A"")]
[ScopedLock] public struct Guard : System.IDisposable { public void Dispose() { } }
public class Device { [Acquires] public Guard Lock() => default; }
public class C
{
    public Device A = new Device();
    public Device B = new Device();
    int n;
";

        [Fact]
        public Task SwapsAdjacentUsingGuardDeclarations()
            => Verify.CodeFixAsync<ReorderLocksCodeFix>(
                Guards + @"    void Work()
    {
        using var a = A.Lock();
        using var b = B.Lock();
        n++;
    }
}
",
                new[] { At("LD1001", 13, 23, 31, Inversion) },
                Guards + @"    void Work()
    {
        using var b = B.Lock();
        using var a = A.Lock();
        n++;
    }
}
");

        [Fact]
        public Task SwapsNestedUsingStatements()
            => Verify.CodeFixAsync<ReorderLocksCodeFix>(
                Guards + @"    void Work()
    {
        using (A.Lock())
        using (B.Lock())
        {
            n++;
        }
    }
}
",
                new[] { At("LD1001", 13, 16, 24, Inversion) },
                Guards + @"    void Work()
    {
        using (B.Lock())
        using (A.Lock())
        {
            n++;
        }
    }
}
");

        [Fact]
        public Task SwapsSemaphoreWaitsWithTheirReleases()
            => Verify.CodeFixAsync<ReorderLocksCodeFix>(
                @"using LockDiscipline;
using System.Threading;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class C
{
    readonly SemaphoreSlim A = new SemaphoreSlim(1);
    readonly SemaphoreSlim B = new SemaphoreSlim(1);
    void Work()
    {
        A.Wait();
        B.Wait();
        B.Release();
        A.Release();
    }
}
",
                new[] { At("LD1001", 11, 9, 17, Inversion) },
                @"using LockDiscipline;
using System.Threading;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class C
{
    readonly SemaphoreSlim A = new SemaphoreSlim(1);
    readonly SemaphoreSlim B = new SemaphoreSlim(1);
    void Work()
    {
        B.Wait();
        A.Wait();
        A.Release();
        B.Release();
    }
}
");

        [Fact]
        public Task SwapsAnAcquisitionOutFromUnderALeafLock()
            => Verify.CodeFixAsync<ReorderLocksCodeFix>(
                @"using LockDiscipline;
using Prims;
public class C
{
    [LeafLock] public Mutex Leaf = new Mutex();
    public Mutex B = new Mutex();
    void Work()
    {
        Leaf.Lock();
        B.Lock();
        B.Unlock();
        Leaf.Unlock();
    }
}
",
                new[] { At("LD1004", 10, 9, 17, "'C.B' is acquired while leaf lock 'C.Leaf' is held") },
                @"using LockDiscipline;
using Prims;
public class C
{
    [LeafLock] public Mutex Leaf = new Mutex();
    public Mutex B = new Mutex();
    void Work()
    {
        B.Lock();
        Leaf.Lock();
        Leaf.Unlock();
        B.Unlock();
    }
}
");

        private const string VfioAp = @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Kvm.Lock"", ""MatrixDev.Lock"")]
public class Kvm { public Mutex Lock = new Mutex(); public int Masks; }
public static class KvmMain
{
    [TakesRef] public static void KvmGetKvm(Kvm kvm) { }
    [DropsRef] public static void KvmPutKvm(Kvm kvm) { }
}
public static class KvmS390
{
    public static void KvmArchCryptoSetMasks(Kvm kvm, int apm) { kvm.Lock.Lock(); kvm.Masks = apm; kvm.Lock.Unlock(); }
}
public class MatrixDev { public static Mutex Lock = new Mutex(); }
public class Matrix { public int Apm; }
public class ApMatrixMdev
{
    public Matrix Matrix = new Matrix();
";

        private const string SetMasksUnderMatrixLock = "Lock-order inversion: 'Kvm.Lock' is acquired while 'MatrixDev.Lock' is held, but [LockOrder] declares 'Kvm.Lock' outside 'MatrixDev.Lock' (via KvmArchCryptoSetMasks -> kvm.Lock.Lock())";

        [Fact]
        public Task ReleasesTheRequiredLockAroundTheCallHoldingAReference()
            => Verify.CodeFixAsync<ReleaseAroundCallCodeFix>(
                VfioAp + @"    [Requires(""MatrixDev.Lock"")]
    void VfioApMdevSetKvm(Kvm kvm)
    {
        KvmS390.KvmArchCryptoSetMasks(kvm, Matrix.Apm);
    }
}
",
                new[] { At("LD1001", 22, 9, 55, SetMasksUnderMatrixLock) },
                VfioAp + @"    [Requires(""MatrixDev.Lock"")]
    void VfioApMdevSetKvm(Kvm kvm)
    {
        var apm = Matrix.Apm;
        KvmMain.KvmGetKvm(kvm);
        MatrixDev.Lock.Unlock();
        KvmS390.KvmArchCryptoSetMasks(kvm, apm);
        KvmMain.KvmPutKvm(kvm);
        MatrixDev.Lock.Lock();
    }
}
");

        [Fact]
        public Task FixAllReleasesTheAcquiredLockAroundEachCall()
            => Verify.CodeFixAsync<ReleaseAroundCallCodeFix>(
                VfioAp + @"    Kvm Current = new Kvm();
    void Notify(Kvm kvm)
    {
        MatrixDev.Lock.Lock();
        KvmS390.KvmArchCryptoSetMasks(kvm, 1);
        MatrixDev.Lock.Unlock();
    }
    void Reset()
    {
        MatrixDev.Lock.Lock();
        if (Matrix.Apm != 0)
            KvmS390.KvmArchCryptoSetMasks(Current, 0);
        MatrixDev.Lock.Unlock();
    }
}
",
                new[] { At("LD1001", 23, 9, 46, SetMasksUnderMatrixLock), At("LD1001", 30, 13, 54, SetMasksUnderMatrixLock) },
                VfioAp + @"    Kvm Current = new Kvm();
    void Notify(Kvm kvm)
    {
        MatrixDev.Lock.Lock();
        KvmMain.KvmGetKvm(kvm);
        MatrixDev.Lock.Unlock();
        KvmS390.KvmArchCryptoSetMasks(kvm, 1);
        KvmMain.KvmPutKvm(kvm);
        MatrixDev.Lock.Lock();
        MatrixDev.Lock.Unlock();
    }
    void Reset()
    {
        MatrixDev.Lock.Lock();
        if (Matrix.Apm != 0)
        {
            var kvm = Current;
            KvmMain.KvmGetKvm(kvm);
            MatrixDev.Lock.Unlock();
            KvmS390.KvmArchCryptoSetMasks(kvm, 0);
            KvmMain.KvmPutKvm(kvm);
            MatrixDev.Lock.Lock();
        }

        MatrixDev.Lock.Unlock();
    }
}
",
                fixAll: true);

        [Fact]
        public Task ReleasesAroundTheCallWithoutAReferenceWhenTheTypeIsNotCounted()
            => Verify.CodeFixAsync<ReleaseAroundCallCodeFix>(
                TwoLocks + @"    void Work()
    {
        A.Lock();
        TakeB();
        A.Unlock();
    }
    void TakeB() { B.Lock(); B.Unlock(); }
}
",
                new[] { At("LD1001", 13, 9, 16, Inversion + " (via TakeB -> B.Lock())") },
                TwoLocks + @"    void Work()
    {
        A.Lock();
        A.Unlock();
        TakeB();
        A.Lock();
        A.Unlock();
    }
    void TakeB() { B.Lock(); B.Unlock(); }
}
");

        [Fact]
        public Task NoReleaseAroundACallThatRequiresTheLock()
        {
            var source = TwoLocks + @"    void Work()
    {
        A.Lock();
        TakeB();
        A.Unlock();
    }
    [Requires(""A"")] void TakeB() { B.Lock(); B.Unlock(); }
}
";
            var expected = new[] { At("LD1001", 13, 9, 16, Inversion + " (via TakeB -> B.Lock())"), At("LD1001", 16, 36, 44, Inversion) };
            return Verify.CodeFixAsync<ReleaseAroundCallCodeFix>(source, expected, source, expected);
        }

        [Fact]
        public Task NoReleaseAroundACallUnderALockStatement()
        {
            var source = @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    void Work()
    {
        lock (a)
        {
            TakeB();
        }
    }
    void TakeB() { lock (b) { } }
}
";
            var expected = At("LD1001", 11, 13, 20, "Lock-order inversion: 'C.b' is acquired while 'C.a' is held, but [LockOrder] declares 'C.b' outside 'C.a' (via TakeB -> lock (b))");
            return Verify.CodeFixAsync<ReleaseAroundCallCodeFix>(source, new[] { expected }, source, new[] { expected });
        }

        [Fact]
        public Task NoReleaseAroundACallUnderALockStatementInALambdaArgument()
        {
            var source = @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    void Work() { Run(() => { lock (a) { TakeB(); } }); }
    static void Run(System.Action action) => action();
    void TakeB() { lock (b) { } }
}
";
            var expected = At("LD1001", 7, 42, 49, "Lock-order inversion: 'C.b' is acquired while 'C.a' is held, but [LockOrder] declares 'C.b' outside 'C.a' (via TakeB -> lock (b))");
            return Verify.CodeFixAsync<ReleaseAroundCallCodeFix>(source, new[] { expected }, source, new[] { expected });
        }

        [Fact]
        public Task NoReleaseAroundACallWhoseResultIsUsedInACondition()
        {
            var source = TwoLocks + @"    void Work()
    {
        A.Lock();
        if (TakeB() > 0) n++;
        A.Unlock();
    }
    int TakeB() { B.Lock(); B.Unlock(); return 1; }
}
";
            var expected = At("LD1001", 13, 13, 20, Inversion + " (via TakeB -> B.Lock())");
            return Verify.CodeFixAsync<ReleaseAroundCallCodeFix>(source, new[] { expected }, source, new[] { expected });
        }
    }
}
