using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1009Tests
    {
        [Fact]
        public Task ReportsGuardedReadsAndWritesWithInstancesSharedModeStaticAndLambdas()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using System.Threading;
using Mutex = Prims.Mutex;
public class Group
{
    public Mutex GroupLock = new Mutex();
    public ReaderWriterLockSlim Rw = new ReaderWriterLockSlim();
    public static Mutex Global = new Mutex();
    [GuardedBy(""GroupLock"")] public object? Kvm;
    [GuardedBy(""GroupLock"")] public int Opened { get; set; }
    [GuardedBy(""Rw"")] public int Shared;
    [GuardedBy(""Group.Global"")] public static int Count;
    public Group() { Kvm = null; Opened = 0; }
    void ReadUnlocked() { var k = Kvm; }
    void WriteLocked() { GroupLock.Lock(); Kvm = null; Opened++; GroupLock.Unlock(); }
    void Increment() { Opened++; }
    void OtherInstance(Group other) { GroupLock.Lock(); other.Kvm = null; GroupLock.Unlock(); }
    void ReadUnderReadLock() { Rw.EnterReadLock(); var s = Shared; Rw.ExitReadLock(); }
    void WriteUnderReadLock() { Rw.EnterReadLock(); Shared = 1; Rw.ExitReadLock(); }
    void WriteUnderWriteLock() { Rw.EnterWriteLock(); Shared = 1; Rw.ExitWriteLock(); }
    void Static() { Count++; Global.Lock(); Count++; Global.Unlock(); }
    [Requires(""GroupLock"")] void Helper() { Kvm = null; }
    void Lambda() { GroupLock.Lock(); System.Action a = () => { Kvm = null; }; GroupLock.Unlock(); a(); }
    void RefPass() { GroupLock.Lock(); GroupLock.Unlock(); Interlocked.Increment(ref Shared); }
}
",
                },
                Verify.Diagnostic("LD1009").WithSpan("File1.cs", 14, 35, 14, 38).WithMessage("'Kvm' is read without holding 'GroupLock'"),
                Verify.Diagnostic("LD1009").WithSpan("File1.cs", 16, 24, 16, 30).WithMessage("'Opened' is written without holding 'GroupLock'"),
                Verify.Diagnostic("LD1009").WithSpan("File1.cs", 17, 57, 17, 66).WithSpan("File1.cs", 17, 39, 17, 55).WithMessage("'Kvm' is written without holding 'other.GroupLock' (found near match 'GroupLock')"),
                Verify.Diagnostic("LD1009").WithSpan("File1.cs", 19, 53, 19, 59).WithSpan("File1.cs", 19, 33, 19, 51).WithMessage("'Shared' is written without holding 'Rw' exclusively"),
                Verify.Diagnostic("LD1009").WithSpan("File1.cs", 21, 21, 21, 26).WithMessage("'Count' is written without holding 'Group.Global'"),
                Verify.Diagnostic("LD1009").WithSpan("File1.cs", 23, 65, 23, 68).WithMessage("'Kvm' is written without holding 'GroupLock'"),
                Verify.Diagnostic("LD1009").WithSpan("File1.cs", 24, 86, 24, 92).WithMessage("'Shared' is written without holding 'Rw'"));
    }
}
