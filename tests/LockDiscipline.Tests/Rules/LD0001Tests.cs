using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD0001Tests
    {
        [Fact]
        public Task ReportsEveryUnboundArgument()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Nope.Mu"", ""G.Mu"")]
[assembly: LockOrder(""G.Count"")]
public class G
{
    public Mutex Mu = new Mutex(); public int Count;
    [Acquires(""nope"")] void A() { }
    [Requires(""Count"")] void B() { }
    [Excludes(""g.Mu"")] void C(G g) { }
    [GuardedBy(""Missing"")] public int Guarded;
    [TakesRef(""other"")] void D(G g) { }
    [MayAcquire(""G.Mu"", ""Q.Mu"")] void E() { }
}
",
                },
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 3, 22, 3, 31).WithMessage("'Nope.Mu' in [LockOrder] binds to nothing: no type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 4, 22, 4, 31).WithMessage("'G.Count' in [LockOrder] binds to 'G.Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 8, 15, 8, 21).WithMessage("'nope' in [Acquires] binds to nothing: no parameter, member or type 'nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 9, 15, 9, 22).WithMessage("'Count' in [Requires] binds to 'Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 11, 16, 11, 25).WithMessage("'Missing' in [GuardedBy] binds to nothing: no parameter, member or type 'Missing'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 12, 15, 12, 22).WithMessage("'other' in [TakesRef] binds to no parameter of 'D'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 13, 25, 13, 31).WithMessage("'Q.Mu' in [MayAcquire] binds to nothing: no parameter, member or type 'Q'"));

        [Fact]
        public Task WellBoundArgumentsAreClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""G.Mu"", ""Deep.Inner.Mu"", ""G.Mu/1"")]
public class G
{
    public Mutex Mu = new Mutex(); public static Mutex Global = new Mutex(); public object Gate = new object();
    [Requires(""Mu"")] void A() { }
    [Requires(""this.Mu"", ""G.Global"")] void B() { }
    [Excludes(""g.Mu"")] void C(G g) { }
    [GuardedBy(""Gate"")] public int Guarded;
    [TakesRef(""g"")] static void D(G g) { }
    [DropsRef] static void E(G g) { }
    [MayAcquire(""G.Mu"", ""g.Mu"")] void F(G g) { }
}
public class Deep { public class Inner { public Mutex Mu = new Mutex(); } }
",
                }
);

        [Fact]
        public Task ReportsAcquiresReleasesTryAcquiresAndWaitsForReadersArgumentsThatBindToNothingSeveralTypesOrNoLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
namespace N1 { public class Dup { public static Mutex Mu = new Mutex(); } }
namespace N2 { public class Dup { public static Mutex Mu = new Mutex(); } }
public class Box
{
    public Mutex Mu = new Mutex(); public int Count;
    [Acquires(""Nope"")] public void A1() { }
    [Acquires(""Dup.Mu"")] public void A2() { }
    [Acquires(""Count"")] public void A3() { }
    [Releases(""Nope"")] public void R1() { }
    [Releases(""Dup.Mu"")] public void R2() { }
    [Releases(""Count"")] public void R3() { }
    [TryAcquires(true, ""Nope"")] public bool T1() => true;
    [TryAcquires(true, ""Dup.Mu"")] public bool T2() => true;
    [TryAcquires(true, ""Count"")] public bool T3() => true;
    [WaitsForReaders(""Nope"")] public void W1() { }
    [WaitsForReaders(""Dup.Mu"")] public void W2() { }
    [WaitsForReaders(""Count"")] public void W3() { }
}
",
                },
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 8, 15, 8, 21).WithMessage("'Nope' in [Acquires] binds to nothing: no parameter, member or type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 9, 15, 9, 23).WithMessage("'Dup.Mu' in [Acquires] binds to several types: N1.Dup, N2.Dup"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 10, 15, 10, 22).WithMessage("'Count' in [Acquires] binds to 'Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 11, 15, 11, 21).WithMessage("'Nope' in [Releases] binds to nothing: no parameter, member or type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 12, 15, 12, 23).WithMessage("'Dup.Mu' in [Releases] binds to several types: N1.Dup, N2.Dup"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 13, 15, 13, 22).WithMessage("'Count' in [Releases] binds to 'Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 14, 24, 14, 30).WithMessage("'Nope' in [TryAcquires] binds to nothing: no parameter, member or type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 15, 24, 15, 32).WithMessage("'Dup.Mu' in [TryAcquires] binds to several types: N1.Dup, N2.Dup"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 16, 24, 16, 31).WithMessage("'Count' in [TryAcquires] binds to 'Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 17, 22, 17, 28).WithMessage("'Nope' in [WaitsForReaders] binds to nothing: no parameter, member or type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 18, 22, 18, 30).WithMessage("'Dup.Mu' in [WaitsForReaders] binds to several types: N1.Dup, N2.Dup"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 19, 22, 19, 29).WithMessage("'Count' in [WaitsForReaders] binds to 'Count' of type 'int', which is not a lock"));

        [Fact]
        public Task ReportsLockOrderRequiresExcludesMayAcquireAndGuardedByArgumentsThatBindToNothingSeveralTypesOrNoLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Nope.Mu"", ""Box.Mu"")]
[assembly: LockOrder(""Dup.Mu"", ""Box.Mu"")]
[assembly: LockOrder(""Box.Count"", ""Box.Mu"")]
namespace N1 { public class Dup { public static Mutex Mu = new Mutex(); } }
namespace N2 { public class Dup { public static Mutex Mu = new Mutex(); } }
public class Box
{
    public Mutex Mu = new Mutex(); public int Count;
    [Requires(""Nope"")] void Q1() { }
    [Requires(""Dup.Mu"")] void Q2() { }
    [Requires(""Count"")] void Q3() { }
    [Excludes(""Nope"")] void E1() { }
    [Excludes(""Dup.Mu"")] void E2() { }
    [Excludes(""Count"")] void E3() { }
    [MayAcquire(""Nope"")] void M1() { }
    [MayAcquire(""Dup.Mu"")] void M2() { }
    [MayAcquire(""Count"")] void M3() { }
    [GuardedBy(""Nope"")] int G1;
    [GuardedBy(""Dup.Mu"")] int G2;
    [GuardedBy(""Count"")] int G3;
}
",
                },
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 3, 22, 3, 31).WithMessage("'Nope.Mu' in [LockOrder] binds to nothing: no type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 4, 22, 4, 30).WithMessage("'Dup.Mu' in [LockOrder] binds to several types: N1.Dup, N2.Dup"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 5, 22, 5, 33).WithMessage("'Box.Count' in [LockOrder] binds to 'Box.Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 11, 15, 11, 21).WithMessage("'Nope' in [Requires] binds to nothing: no parameter, member or type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 12, 15, 12, 23).WithMessage("'Dup.Mu' in [Requires] binds to several types: N1.Dup, N2.Dup"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 13, 15, 13, 22).WithMessage("'Count' in [Requires] binds to 'Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 14, 15, 14, 21).WithMessage("'Nope' in [Excludes] binds to nothing: no parameter, member or type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 15, 15, 15, 23).WithMessage("'Dup.Mu' in [Excludes] binds to several types: N1.Dup, N2.Dup"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 16, 15, 16, 22).WithMessage("'Count' in [Excludes] binds to 'Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 17, 17, 17, 23).WithMessage("'Nope' in [MayAcquire] binds to nothing: no parameter, member or type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 18, 17, 18, 25).WithMessage("'Dup.Mu' in [MayAcquire] binds to several types: N1.Dup, N2.Dup"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 19, 17, 19, 24).WithMessage("'Count' in [MayAcquire] binds to 'Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 20, 16, 20, 22).WithMessage("'Nope' in [GuardedBy] binds to nothing: no parameter, member or type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 21, 16, 21, 24).WithMessage("'Dup.Mu' in [GuardedBy] binds to several types: N1.Dup, N2.Dup"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 22, 16, 22, 23).WithMessage("'Count' in [GuardedBy] binds to 'Count' of type 'int', which is not a lock"));

        [Fact]
        public Task ReportsMalformedNamesAndPaths()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Box"")]
[assembly: LockOrder(""Box.Mu/x"", ""Box.Other"")]
[assembly: LockOrder(""Box.Missing"")]
public class Box
{
    public Mutex Mu = new Mutex(); public Mutex Other = new Mutex();
    [Acquires(""return"")] public void NoReturn() { }
    [Acquires(""this"")] public static void StaticThis() { }
    [Requires(""Mu..Lock"")] void Bad() { }
    [Requires(""Box.Mu"")] void InstanceThroughType() { }
    [Requires(""Mu"", ""Nope"")] void Second() { }
    [TakesRef(""nope"")] void T(Box b) { }
    [DropsRef(""nope"")] void D(Box b) { }
    [Excludes(""b.Missing"")] void X(Box b) { }
}
",
                },
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 3, 22, 3, 27).WithMessage("'Box' in [LockOrder] is not a lock class name of the form 'Type.Member'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 4, 22, 4, 32).WithMessage("'Box.Mu/x' in [LockOrder] has a subclass that is not a non-negative number"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 5, 22, 5, 35).WithMessage("'Box.Missing' in [LockOrder] binds to nothing: 'Box' has no field or property 'Missing'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 9, 15, 9, 23).WithMessage("'return' in [Acquires] binds to nothing: the member returns no lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 10, 15, 10, 21).WithMessage("'this' in [Acquires] binds to nothing: a static member has no 'this'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 11, 15, 11, 25).WithMessage("'Mu..Lock' in [Requires] is not a member-access path"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 12, 15, 12, 23).WithMessage("'Box.Mu' in [Requires] binds to the instance member 'Box.Mu' through its type"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 13, 21, 13, 27).WithMessage("'Nope' in [Requires] binds to nothing: no parameter, member or type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 14, 15, 14, 21).WithMessage("'nope' in [TakesRef] binds to no parameter of 'T'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 15, 15, 15, 21).WithMessage("'nope' in [DropsRef] binds to no parameter of 'D'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 16, 15, 16, 26).WithMessage("'b.Missing' in [Excludes] binds to nothing: 'Box' has no field or property 'Missing'"));

        [Fact]
        public Task ReportsMemberAttributesOnMembersThatAreNotLocks()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
public class Host
{
    [LeafLock] int notALock;
    [Recursive] int notALock2;
    [GuardedBy(""this"")] int g;
}
",
                },
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 4, 6, 4, 14).WithMessage("'LeafLock' in [LeafLock] is on 'notALock' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 5, 6, 5, 15).WithMessage("'Recursive' in [Recursive] is on 'notALock2' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 6, 16, 6, 22).WithMessage("'this' in [GuardedBy] binds to the object itself, which is not a lock"));

        [Fact]
        public Task QualifiedNestedParameterReturnAndSubclassNamesBindCleanly()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""N1.Dup.Mu"", ""N2.Dup.Mu"", ""Box.Mu"", ""Box.Mu/1"", ""Outer.Inner.Gate"")]
namespace N1 { public class Dup { public static Mutex Mu = new Mutex(); } }
namespace N2 { public class Dup { public static Mutex Mu = new Mutex(); } }
public class Outer { public class Inner { public object Gate = new object(); } }
public class Box
{
    public Mutex Mu = new Mutex(); public Box Next; public static Mutex Global = new Mutex(); Srcu srcu = new Srcu();
    [LeafLock] object leaf = new object(); [Recursive] Mutex re = new Mutex();
    [Acquires(""N1.Dup.Mu"")] public void A1() { }
    [Releases(""N1.Dup.Mu"")] public void R1() { }
    [TryAcquires(true, ""this.Mu"")] public bool T1() => true;
    [WaitsForReaders(""srcu"")] public void W1() { }
    [Acquires(""return"")] public Mutex Take() => Mu;
    [Requires(""Next.Mu"", ""Box.Global"")] void Q1() { }
    [Excludes(""other.Next.Mu"")] void E1(Box other) { }
    [MayAcquire(""Outer.Inner.Gate"", ""N2.Dup.Mu"")] void M1() { }
    [GuardedBy(""Mu"")] int G1;
    [TakesRef(""b"")] static void Get(Box b) { }
    [DropsRef] void Put() { }
}
",
                });
    }
}
