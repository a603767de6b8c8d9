using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1007Tests
    {
        [Fact]
        public Task ReportsExcludedLockHeldOnSomePathButNotOtherInstance()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Vfio
{
    public Mutex GroupLock = new Mutex();
    [Excludes(""GroupLock"")] public void SetKvm() { GroupLock.Lock(); GroupLock.Unlock(); }
    void Close() { GroupLock.Lock(); SetKvm(); GroupLock.Unlock(); }
    void CloseOther(Vfio other) { GroupLock.Lock(); other.SetKvm(); GroupLock.Unlock(); }
    void CloseFixed() { GroupLock.Lock(); GroupLock.Unlock(); SetKvm(); }
    void MaybeHeld(bool c) { if (c) GroupLock.Lock(); SetKvm(); if (c) GroupLock.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 7, 38, 7, 46).WithSpan("File1.cs", 7, 20, 7, 36).WithMessage("Calling 'SetKvm' while holding 'GroupLock', which it excludes (acquired at File1.cs:7)"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 8, 53, 8, 67).WithSpan("File1.cs", 6, 52, 6, 68).WithSpan("File1.cs", 8, 35, 8, 51).WithMessage("'Vfio.GroupLock' is acquired while already held (taken at File1.cs:8) and it is not recursive (via SetKvm -> GroupLock.Lock())"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 10, 37, 10, 53).WithMessage("'GroupLock' is acquired here and is still held on some path out of 'MaybeHeld' (at the end of the method)"),
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 10, 55, 10, 63).WithSpan("File1.cs", 10, 37, 10, 53).WithMessage("Calling 'SetKvm' while holding 'GroupLock', which it excludes (acquired at File1.cs:10)"));

        [Fact]
        public Task ReportsExcludedThisLockOnlyOnceAsLD1007()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Pool
{
    public Mutex Mu = new Mutex();
    [Excludes(""Mu"")] void Refill() { Mu.Lock(); Mu.Unlock(); }
    void Direct() { Mu.Lock(); Refill(); Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 7, 32, 7, 40).WithSpan("File1.cs", 7, 21, 7, 30).WithMessage("Calling 'Refill' while holding 'Mu', which it excludes (acquired at File1.cs:7)"));

        [Fact]
        public Task ReportsStaticAndMonitorLocks()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public static class Global { public static Mutex Mu = new Mutex(); }
public class Conn { public object Gate = new object(); }
public class Pool
{
    [Excludes(""Global.Mu"")] void Shutdown() { }
    [Excludes(""c.Gate"")] void Drain(Conn c) { }
    void Static() { Global.Mu.Lock(); Shutdown(); Global.Mu.Unlock(); }
    void LockStmt(Conn c) { lock (c.Gate) { Drain(c); } }
}
",
                },
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 9, 39, 9, 49).WithSpan("File1.cs", 9, 21, 9, 37).WithMessage("Calling 'Shutdown' while holding 'Global.Mu', which it excludes (acquired at File1.cs:9)"),
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 10, 45, 10, 53).WithSpan("File1.cs", 10, 35, 10, 41).WithMessage("Calling 'Drain' while holding 'c.Gate', which it excludes (acquired at File1.cs:10)"));

        [Fact]
        public Task ReportsLockHeldOnSomePathsOnly()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using LockDiscipline;
public class Conn { public object Gate = new object(); }
public class Pool
{
    [Excludes(""c.Gate"")] void Drain(Conn c) { }
    void SomePaths(Conn c, bool b) { bool t = false; try { if (b) Monitor.Enter(c.Gate, ref t); Drain(c); } finally { if (t) Monitor.Exit(c.Gate); } }
}
",
                },
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 7, 97, 7, 105).WithSpan("File1.cs", 7, 67, 7, 95).WithMessage("Calling 'Drain' while holding 'c.Gate', which it excludes (acquired at File1.cs:7)"));

        [Fact]
        public Task HoldingAnotherInstanceIsNotTheExcludedLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Dev
{
    public Mutex Mu = new Mutex();
    [Excludes(""Mu"")] public void Reset() { }
}
public class Host
{
    Dev dev = new Dev(); Dev spare = new Dev();
    void ExcludeOther() { dev.Mu.Lock(); spare.Reset(); dev.Mu.Unlock(); }
    void ExcludeSame() { dev.Mu.Lock(); dev.Reset(); dev.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 12, 41, 12, 52).WithSpan("File1.cs", 12, 26, 12, 39).WithMessage("Calling 'Reset' while holding 'dev.Mu', which it excludes (acquired at File1.cs:12)"));

        [Fact]
        public Task ReportsChainedPathExclusionAcrossFiles()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Group { public Mutex GroupLock = new Mutex(); }
public class Device { public Group Group = new Group(); }
public class Core
{
    [Excludes(""device.Group.GroupLock"")] public static void Release(Device device) { }
}
",
                    @"public class Bus
{
    void Bad(Device d) { d.Group.GroupLock.Lock(); Core.Release(d); d.Group.GroupLock.Unlock(); }
    void Alias(Device d) { var g = d.Group; g.GroupLock.Lock(); Core.Release(d); g.GroupLock.Unlock(); }
    void Other(Device d, Device e) { e.Group.GroupLock.Lock(); Core.Release(d); e.Group.GroupLock.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1007").WithSpan("File2.cs", 3, 52, 3, 67).WithSpan("File2.cs", 3, 26, 3, 50).WithMessage("Calling 'Release' while holding 'd.Group.GroupLock', which it excludes (acquired at File2.cs:3)"),
                Verify.Diagnostic("LD1007").WithSpan("File2.cs", 4, 65, 4, 80).WithSpan("File2.cs", 4, 45, 4, 63).WithMessage("Calling 'Release' while holding 'd.Group.GroupLock', which it excludes (acquired at File2.cs:4)"));

        [Fact]
        public Task ReleasedBeforeTheCallIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Conn { public Mutex Mu = new Mutex(); }
public class Pool
{
    public Mutex Mu = new Mutex();
    [Excludes(""Mu"")] void Refill() { Mu.Lock(); Mu.Unlock(); }
    [Excludes(""c.Mu"")] void Close(Conn c) { }
    void Released() { Mu.Lock(); Mu.Unlock(); Refill(); }
    void OtherInstance(Conn c, Conn d) { d.Mu.Lock(); Close(c); d.Mu.Unlock(); }
    void EarlyReturn(Conn c, bool b) { c.Mu.Lock(); if (b) { c.Mu.Unlock(); Close(c); return; } c.Mu.Unlock(); }
    void Finally(Conn c) { c.Mu.Lock(); try { } finally { c.Mu.Unlock(); } Close(c); }
    void TryFailed(Conn c) { if (!c.Mu.TryLock()) { Close(c); return; } c.Mu.Unlock(); }
}
",
                });

        [Fact]
        public Task ReportsExcludesOnPropertyRead()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Dev
{
    public Mutex Mu = new Mutex();
    [Excludes(""Mu"")] public int Slow { get { return 0; } }
}
public class Host
{
    Dev d = new Dev();
    void Held() { d.Mu.Lock(); var s = d.Slow; d.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 11, 40, 11, 46).WithSpan("File1.cs", 11, 19, 11, 30).WithMessage("Calling 'Slow' while holding 'd.Mu', which it excludes (acquired at File1.cs:11)"));
    }
}
