using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1008Tests
    {
        [Fact]
        public Task ReportsLeaksAndUnheldReleaseButNotBalancedPatterns()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
using Mutex = Prims.Mutex;
public class F
{
    Mutex mu = new Mutex(); object gate = new object(); SemaphoreSlim sem = new SemaphoreSlim(1, 1); ReaderWriterLockSlim rw = new ReaderWriterLockSlim();
    void Leak(bool c) { mu.Lock(); if (c) return; mu.Unlock(); }
    void Throws(bool c) { mu.Lock(); if (c) throw new System.Exception(); mu.Unlock(); }
    void Finally() { mu.Lock(); try { Work(); } finally { mu.Unlock(); } }
    void Unheld() { mu.Unlock(); }
    void TryOk() { if (mu.TryLock()) { mu.Unlock(); } }
    void TryNot() { if (!mu.TryLock()) return; mu.Unlock(); }
    void MonitorRef() { bool taken = false; try { Monitor.Enter(gate, ref taken); Work(); } finally { if (taken) Monitor.Exit(gate); } }
    async Task Sem() { await sem.WaitAsync(); try { await Task.Yield(); } finally { sem.Release(); } }
    void Rw() { rw.EnterUpgradeableReadLock(); rw.EnterWriteLock(); rw.ExitWriteLock(); rw.ExitUpgradeableReadLock(); }
    void Loop(int n) { for (var i = 0; i < n; i++) { mu.Lock(); Work(); mu.Unlock(); } }
    void Switch(int k) { mu.Lock(); switch (k) { case 1: mu.Unlock(); return; default: break; } mu.Unlock(); }
    void Work() { }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 7, 25, 7, 34).WithMessage("'mu' is acquired here and is still held on some path out of 'Leak' (when it returns at line 7)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 8, 27, 8, 36).WithMessage("'mu' is acquired here and is still held on some path out of 'Throws' (when it throws at line 8)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 10, 21, 10, 32).WithMessage("'mu' is released here but is not held on any path to this point"));
    }
}
