using System.Threading.Tasks;
using LockDiscipline.CodeFixes;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.CodeFixes
{
    /// <summary>LD1010's fix: a Monitor or Lock field held across an await becomes a SemaphoreSlim(1, 1), every use converted.</summary>
    public class SemaphoreFixTests
    {
        private static DiagnosticResult Across(int line, int column, int endColumn, string lockName, int acquiredLine, string what = "await")
            => Verify.Diagnostic("LD1010").WithSpan("File1.cs", line, column, line, endColumn).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations)
                .WithMessage($"'{lockName}' (Monitor) is held across this {what} (acquired at File1.cs:{acquiredLine}): the code after it may run on another thread, where releasing the lock throws or never happens");

        [Fact]
        public Task ConvertsEveryUseOfThePrivateLockField()
            => Verify.CodeFixAsync<SemaphoreForAsyncCodeFix>(
                @"using System.Threading;
using System.Threading.Tasks;
public class Cache
{
    private readonly object _gate = new object();
    private int _count;
    public async Task RefreshAsync()
    {
        Monitor.Enter(_gate);
        _count++;
        await Task.Delay(1);
        Monitor.Exit(_gate);
    }
    public async Task ReloadAsync()
    {
        Monitor.Enter(_gate);
        try
        {
            await Task.Delay(1);
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }
    public int Count()
    {
        lock (_gate)
        {
            return _count;
        }
    }
}
",
                new[] { Across(11, 9, 28, "_gate", 9), Across(19, 13, 32, "_gate", 16) },
                @"using System.Threading;
using System.Threading.Tasks;
public class Cache
{
    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
    private int _count;
    public async Task RefreshAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _count++;
            await Task.Delay(1);
        }
        finally
        {
            _gate.Release();
        }
    }
    public async Task ReloadAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await Task.Delay(1);
        }
        finally
        {
            _gate.Release();
        }
    }
    public int Count()
    {
        _gate.Wait();
        try
        {
            return _count;
        }
        finally
        {
            _gate.Release();
        }
    }
}
",
                fixAll: true);

        [Fact]
        public Task NotOfferedWhereTheLockMayBeTakenAgainOrIsUsedOtherwise()
        {
            const string source = @"using System.Threading;
using System.Threading.Tasks;
public class Reentrant
{
    private readonly object _gate = new object();
    public async Task OuterAsync()
    {
        Monitor.Enter(_gate);
        await Task.Delay(1);
        Inner();
        Monitor.Exit(_gate);
    }
    private void Inner() { lock (_gate) { } }
}
public class Shared
{
    internal readonly object Gate = new object();
    public async Task WorkAsync()
    {
        Monitor.Enter(Gate);
        await Task.Delay(1);
        Monitor.Exit(Gate);
    }
}
public class PassedOn
{
    private readonly object _gate = new object();
    public async Task WorkAsync()
    {
        Monitor.Enter(_gate);
        await Task.Delay(1);
        Monitor.Exit(_gate);
    }
    public void Wait() { Monitor.Wait(_gate); }
}
";
            return Verify.CodeFixAsync<SemaphoreForAsyncCodeFix>(
                source,
                new[] { Across(9, 9, 28, "_gate", 8), Across(21, 9, 28, "Gate", 20), Across(31, 9, 28, "_gate", 30) },
                source);
        }
    }
}
