using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>
    /// Virtual and interface calls follow the implementations the receiver's static type can reach: its own, its subtypes', and
    /// the one it inherits. <c>endpoint.ToString()</c> is not every <c>ToString</c> in the compilation; <c>base.M()</c> is not
    /// dispatched at all.
    /// </summary>
    public class DispatchTests
    {
        private const string Inversion = "Lock-order inversion: 'C.B' is acquired while 'C.A' is held, but [LockOrder] declares 'C.B' outside 'C.A'";

        private static DiagnosticResult At(int line, int column, int endColumn, string chain)
            => Verify.Diagnostic("LD1001").WithSpan("File1.cs", line, column, line, endColumn).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(Inversion + chain);

        [Fact]
        public Task ObjectToStringReachesEveryOverrideButASourceReceiverOnlyItsOwn()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class Safe { public override string ToString() => ""safe""; }
public class Locky { public override string ToString() { C.B.Lock(); C.B.Unlock(); return ""locky""; } }
public class C
{
    public static Mutex A = new Mutex();
    public static Mutex B = new Mutex();
    void Precise(Safe s) { A.Lock(); s.ToString(); A.Unlock(); }
    void Broad(object o) { A.Lock(); o.ToString(); A.Unlock(); }
    void Exact(Locky l) { A.Lock(); l.ToString(); A.Unlock(); }
}
",
                },
                At(12, 37, 49, " (via ToString -> C.B.Lock())"));

        [Fact]
        public Task FrameworkMembersOnFrameworkTypedReceiversAreFollowedWhenAskedFor()
        {
            var test = new CSharpAnalyzerVerifier<LockDiscipline.Analyzers.LockDisciplineAnalyzer>.Test();
            test.TestState.Sources.Add(("File0.cs", Prelude.Primitives));
            test.TestState.Sources.Add(("File1.cs", FrameworkReceivers));
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nlockdiscipline.dispatch_framework_members = true\n"));
            test.ExpectedDiagnostics.Add(At(11, 38, 50, " (via ToString -> C.B.Lock())"));
            test.ExpectedDiagnostics.Add(At(12, 59, 60, " (via Dispose -> C.B.Lock())"));
            return test.RunAsync();
        }

        [Fact]
        public Task FrameworkMembersOnFrameworkTypedReceiversAreNotFollowedByDefault()
            => Verify.AnalyzerAsync(new[] { Prelude.Primitives, FrameworkReceivers });

        private const string FrameworkReceivers = @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class Locky { public override string ToString() { C.B.Lock(); C.B.Unlock(); return ""locky""; } }
public sealed class Loud : System.IDisposable { public void Dispose() { C.B.Lock(); C.B.Unlock(); } }
public class C
{
    public static Mutex A = new Mutex();
    public static Mutex B = new Mutex();
    void Unrelated() { }
    void Broad(object o) { A.Lock(); o.ToString(); A.Unlock(); }
    void Unknown(System.IDisposable d) { A.Lock(); using (d) { } A.Unlock(); }
}
";

        [Fact]
        public Task AReceiverRunsTheImplementationItInheritsAndBaseCallsAreNotDispatched()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class Base { public virtual void Run() { C.B.Lock(); C.B.Unlock(); } }
public class Inherits : Base { }
public class Quiet : Base { public override void Run() { } }
public class Calls : Base { public override void Run() { C.A.Lock(); base.Run(); C.A.Unlock(); } }
public class C
{
    public static Mutex A = new Mutex();
    public static Mutex B = new Mutex();
    void Inherited(Inherits i) { A.Lock(); i.Run(); A.Unlock(); }
    void Overridden(Quiet q) { A.Lock(); q.Run(); A.Unlock(); }
}
",
                },
                At(7, 70, 80, " (via Run -> C.B.Lock())"),
                At(12, 44, 51, " (via Run -> C.B.Lock())"));

        [Fact]
        public Task UsingDisposesTheResourceItsStaticTypeAllows()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public sealed class Quiet : System.IDisposable { public void Dispose() { } }
public sealed class Loud : System.IDisposable { public void Dispose() { C.B.Lock(); C.B.Unlock(); } }
public class C
{
    public static Mutex A = new Mutex();
    public static Mutex B = new Mutex();
    void Known(Quiet q) { A.Lock(); using (q) { } A.Unlock(); }
    void Loudly(Loud l) { A.Lock(); using (l) { } A.Unlock(); }
}
",
                },
                At(11, 44, 45, " (via Dispose -> C.B.Lock())"));

        [Fact]
        public Task AnInterfaceReceiverReachesTheImplementationsOfThatInterfaceOnly()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public interface IWork { void Do(); }
public interface ISafeWork : IWork { }
public class Locking : IWork { public void Do() { C.B.Lock(); C.B.Unlock(); } }
public class Harmless : ISafeWork { public void Do() { } }
public class C
{
    public static Mutex A = new Mutex();
    public static Mutex B = new Mutex();
    void Any(IWork w) { A.Lock(); w.Do(); A.Unlock(); }
    void Safe(ISafeWork w) { A.Lock(); w.Do(); A.Unlock(); }
}
",
                },
                At(12, 35, 41, " (via Do -> C.B.Lock())"));

        /// <summary>
        /// The dispose pattern: <c>Dispose() =&gt; Dispose(true)</c> in a base class runs the override of the receiver's own type. Disposing a
        /// <c>Quiet</c> (which inherits the empty hook) takes nothing; disposing a <c>Locked</c> takes its gate. Summarising the base
        /// <c>Dispose()</c> once for every subtype made <c>Close</c> reach <c>Locked</c>'s gate too (Rx.NET's sinks: <c>ForwardOnError</c>
        /// calling <c>Dispose</c>).
        /// </summary>
        [Fact]
        public Task AnInheritedMethodsCallOnThisDispatchesByTheReceiversType()
            => Verify.AnalyzerAsync(@"public abstract class Resource
{
    public void Dispose() { Dispose(true); }
    protected virtual void Dispose(bool disposing) { }
}
public sealed class Quiet : Resource { }
public sealed class Locked : Resource
{
    public static readonly object Gate = new object();
    protected override void Dispose(bool disposing) { lock (Gate) { } }
}
public sealed class Owner
{
    private readonly object _sync = new object();
    private readonly Quiet _quiet = new Quiet();
    private readonly Locked _locked = new Locked();
    public void Close() { lock (_sync) { _quiet.Dispose(); } }
    public void Shutdown() { lock (_sync) { _locked.Dispose(); } }
    public void Touch() { lock (_sync) { } }
    public void Sweep() { lock (Locked.Gate) { Touch(); } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 18, 45, 18, 62).WithSpan("File0.cs", 3, 29, 3, 42).WithSpan("File0.cs", 10, 61, 10, 65).WithSpan("File0.cs", 18, 36, 18, 41).WithSpan("File0.cs", 20, 48, 20, 55).WithMessage(@"Lock-order cycle Owner._sync -> Locked.Gate -> Owner._sync: 'Locked.Gate' is acquired while 'Owner._sync' is held here (via Dispose -> Dispose -> lock (Gate)), and elsewhere 'Owner._sync' is acquired while 'Locked.Gate' is held at File0.cs:20 in Sweep (via Touch -> lock (_sync))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 20, 48, 20, 55).WithSpan("File0.cs", 19, 33, 19, 38).WithSpan("File0.cs", 20, 33, 20, 44).WithSpan("File0.cs", 18, 45, 18, 62).WithMessage(@"Lock-order cycle Locked.Gate -> Owner._sync -> Locked.Gate: 'Owner._sync' is acquired while 'Locked.Gate' is held here (via Touch -> lock (_sync)), and elsewhere 'Locked.Gate' is acquired while 'Owner._sync' is held at File0.cs:18 in Shutdown (via Dispose -> Dispose -> lock (Gate))"));
    }
}
