using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1002Tests
    {
        [Fact]
        public Task ReportsAbbaCycleAcrossFilesAtBothEdges()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Matrix { public static Mutex Lock = new Mutex(); }
public class KvmS { public Mutex Lock = new Mutex(); }
public class Ap
{
    KvmS kvm = new KvmS();
    void SetKvm() { Matrix.Lock.Lock(); SetMasks(); Matrix.Lock.Unlock(); }
    void SetMasks() { kvm.Lock.Lock(); kvm.Lock.Unlock(); }
}
",
                    @"using Prims;
public class Pqap
{
    KvmS kvm = new KvmS();
    void Handle() { kvm.Lock.Lock(); Hook(); kvm.Lock.Unlock(); }
    void Hook() { Matrix.Lock.Lock(); Matrix.Lock.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File2.cs", 5, 38, 5, 44).WithSpan("File2.cs", 6, 19, 6, 37).WithSpan("File2.cs", 5, 21, 5, 36).WithSpan("File1.cs", 7, 41, 7, 51).WithMessage("Lock-order cycle KvmS.Lock -> Matrix.Lock -> KvmS.Lock: 'Matrix.Lock' is acquired while 'KvmS.Lock' is held here (via Hook -> Matrix.Lock.Lock()), and elsewhere 'KvmS.Lock' is acquired while 'Matrix.Lock' is held at File1.cs:7 in SetKvm (via SetMasks -> kvm.Lock.Lock())"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 7, 41, 7, 51).WithSpan("File1.cs", 8, 23, 8, 38).WithSpan("File1.cs", 7, 21, 7, 39).WithSpan("File2.cs", 5, 38, 5, 44).WithMessage("Lock-order cycle Matrix.Lock -> KvmS.Lock -> Matrix.Lock: 'KvmS.Lock' is acquired while 'Matrix.Lock' is held here (via SetMasks -> kvm.Lock.Lock()), and elsewhere 'Matrix.Lock' is acquired while 'KvmS.Lock' is held at File2.cs:5 in Handle (via Hook -> Matrix.Lock.Lock())"));

        [Fact]
        public Task ReportsThreeLockCycleThroughInterface()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class P { public Mutex M = new Mutex(); }
public class Q { public Mutex M = new Mutex(); }
public class R { public Mutex M = new Mutex(); }
public interface IOps { void Run(); }
public class Impl1 : IOps { public P p = new P(); public void Run() { p.M.Lock(); p.M.Unlock(); } }
public class Impl2 : IOps { public void Run() { } }
public class Three
{
    P p = new P(); Q q = new Q(); R r = new R(); IOps ops = new Impl1();
    void PQ() { p.M.Lock(); q.M.Lock(); q.M.Unlock(); p.M.Unlock(); }
    void QR() { q.M.Lock(); r.M.Lock(); r.M.Unlock(); q.M.Unlock(); }
    void RP() { r.M.Lock(); ops.Run(); r.M.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 11, 29, 11, 39).WithSpan("File1.cs", 11, 17, 11, 27).WithSpan("File1.cs", 12, 29, 12, 39).WithSpan("File1.cs", 13, 29, 13, 38).WithMessage("Lock-order cycle P.M -> Q.M -> R.M -> P.M: 'Q.M' is acquired while 'P.M' is held here, and elsewhere 'R.M' is acquired while 'Q.M' is held at File1.cs:12 in QR; 'P.M' is acquired while 'R.M' is held at File1.cs:13 in RP (via Run -> p.M.Lock())"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 12, 29, 12, 39).WithSpan("File1.cs", 12, 17, 12, 27).WithSpan("File1.cs", 13, 29, 13, 38).WithSpan("File1.cs", 11, 29, 11, 39).WithMessage("Lock-order cycle Q.M -> R.M -> P.M -> Q.M: 'R.M' is acquired while 'Q.M' is held here, and elsewhere 'P.M' is acquired while 'R.M' is held at File1.cs:13 in RP (via Run -> p.M.Lock()); 'Q.M' is acquired while 'P.M' is held at File1.cs:11 in PQ"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 13, 29, 13, 38).WithSpan("File1.cs", 6, 71, 6, 81).WithSpan("File1.cs", 13, 17, 13, 27).WithSpan("File1.cs", 11, 29, 11, 39).WithSpan("File1.cs", 12, 29, 12, 39).WithMessage("Lock-order cycle R.M -> P.M -> Q.M -> R.M: 'P.M' is acquired while 'R.M' is held here (via Run -> p.M.Lock()), and elsewhere 'Q.M' is acquired while 'P.M' is held at File1.cs:11 in PQ; 'R.M' is acquired while 'Q.M' is held at File1.cs:12 in QR"));

        [Fact]
        public Task ConsistentOrderThroughInterfaceIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class P { public Mutex M = new Mutex(); }
public class Q { public Mutex M = new Mutex(); }
public interface IOps { void Run(); }
public class Impl1 : IOps { public Q q = new Q(); public void Run() { q.M.Lock(); q.M.Unlock(); } }
public class Impl2 : IOps { public void Run() { } }
public class Consistent
{
    P p = new P(); Q q = new Q(); IOps ops = new Impl1();
    void First() { p.M.Lock(); ops.Run(); p.M.Unlock(); }
    void Second() { p.M.Lock(); q.M.Lock(); q.M.Unlock(); p.M.Unlock(); }
    void Alone() { q.M.Lock(); q.M.Unlock(); }
}
",
                }
);
    }
}
