using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class SubclassTests
    {
        [Fact]
        public Task NestedSubclassIsCleanAndReverseNestingInvertsTheDeclaredOrder()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Vm.Lock"", ""Vm.Lock/1"")]
public class Vm
{
    public Mutex Lock = new Mutex();
    static void LockTwo(Vm a, Vm b) { a.Lock.Lock(); b.Lock.LockNested(); b.Lock.Unlock(); a.Lock.Unlock(); }
    static void Reversed(Vm a, Vm b) { b.Lock.LockNested(); a.Lock.Lock(); a.Lock.Unlock(); b.Lock.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 8, 61, 8, 74).WithSpan("File1.cs", 8, 40, 8, 59).WithMessage("Lock-order inversion: 'Vm.Lock' is acquired while 'Vm.Lock/1' is held, but [LockOrder] declares 'Vm.Lock' outside 'Vm.Lock/1'"));
    }
}
