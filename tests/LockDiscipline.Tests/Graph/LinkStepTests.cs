using System.Threading.Tasks;
using LockDiscipline.Tests.Rules;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Graph
{
    /// <summary>
    /// The link step records a call made under a lock as lockdep does (held -> what the callee takes holding nothing of its own) and
    /// gives whole chains only to the classes a rule can report on. These are the shapes where what the callee holds of its own is
    /// not what orders it: a try-lock, a fresh object's lock, a chain through two callees. Each must report what whole chains do;
    /// <c>RandomProgramTests.TheLinkStepReportsExactlyWhatWholeChainsForEveryClassReport</c> checks the same on generated programs.
    /// </summary>
    public class LinkStepTests
    {
        /// <summary>A held try-lock does not hide what is held below it (lockdep walks past trylocks too).</summary>
        [Fact]
        public Task ALockTakenAgainUnderATryLockIsStillARecursion()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using LockDiscipline;
using Mutex = Prims.Mutex;
public sealed class Channel
{
    public readonly Mutex Mu = new Mutex();
    private readonly SemaphoreSlim _sem = new SemaphoreSlim(1, 1);
    public void Flush() { Mu.Lock(); Drain(); Mu.Unlock(); }
    private void Drain()
    {
        if (_sem.Wait(0))
        {
            try { Mu.Lock(); Mu.Unlock(); }
            finally { _sem.Release(); }
        }
    }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 8, 38, 8, 45).WithSpan("File1.cs", 13, 19, 13, 28).WithSpan("File1.cs", 8, 27, 8, 36).WithMessage("'Channel.Mu' is acquired while already held (taken at File1.cs:8) and it is not recursive (via Drain -> Mu.Lock())"));

        /// <summary>
        /// A fresh object's own lock orders nothing, but what its method takes under that lock on shared objects still comes after
        /// the caller's locks.
        /// </summary>
        [Fact]
        public Task WhatAFreshObjectTakesUnderItsOwnLockIsStillOrdered()
            => Verify.AnalyzerAsync(@"public sealed class Session
{
    private readonly object _own = new object();
    public void Open() { lock (_own) { Registry.Touch(); } }
}
public static class Registry
{
    private static readonly object Gate = new object();
    public static void Touch() { lock (Log.Sync) { } }
    public static void Add() { lock (Gate) { new Session().Open(); } }
}
public static class Log
{
    public static readonly object Sync = new object();
    public static void Write() { lock (Sync) { Registry.Add(); } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 10, 46, 10, 66).WithSpan("File0.cs", 4, 40, 4, 56).WithSpan("File0.cs", 9, 40, 9, 48).WithSpan("File0.cs", 10, 38, 10, 42).WithSpan("File0.cs", 15, 48, 15, 62).WithMessage("Lock-order cycle Registry.Gate -> Log.Sync -> Registry.Gate: 'Log.Sync' is acquired while 'Registry.Gate' is held here (via Open -> Touch -> lock (Log.Sync)), and elsewhere 'Registry.Gate' is acquired while 'Log.Sync' is held at File0.cs:15 in Write (via Add -> lock (Gate))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 15, 48, 15, 62).WithSpan("File0.cs", 10, 38, 10, 42).WithSpan("File0.cs", 15, 40, 15, 44).WithSpan("File0.cs", 10, 46, 10, 66).WithMessage("Lock-order cycle Log.Sync -> Registry.Gate -> Log.Sync: 'Registry.Gate' is acquired while 'Log.Sync' is held here (via Add -> lock (Gate)), and elsewhere 'Log.Sync' is acquired while 'Registry.Gate' is held at File0.cs:10 in Add (via Open -> Touch -> lock (Log.Sync))"));

        /// <summary>
        /// A cycle through a callee's own lock: lockdep's edges are A -> B (the call) and B -> C (the callee's own), yet the direct
        /// edge A -> C through both calls is reported too, with its whole chain, since every class on the cycle gets whole chains.
        /// </summary>
        [Fact]
        public Task ACycleThroughACalleesOwnLockIsReportedAtEveryEdgeWithItsChain()
            => Verify.AnalyzerAsync(@"public sealed class A
{
    private readonly object _a = new object();
    public void Run() { lock (_a) { B.Step(); } }
    public void Back() { lock (C.Gate) { lock (_a) { } } }
}
public static class B
{
    private static readonly object Gate = new object();
    public static void Step() { lock (Gate) { C.Step(); } }
}
public static class C
{
    public static readonly object Gate = new object();
    public static void Step() { lock (Gate) { } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 4, 37, 4, 45).WithSpan("File0.cs", 10, 39, 10, 43).WithSpan("File0.cs", 4, 31, 4, 33).WithSpan("File0.cs", 10, 47, 10, 55).WithSpan("File0.cs", 5, 48, 5, 50).WithMessage("Lock-order cycle A._a -> B.Gate -> C.Gate -> A._a: 'B.Gate' is acquired while 'A._a' is held here (via Step -> lock (Gate)), and elsewhere 'C.Gate' is acquired while 'B.Gate' is held at File0.cs:10 in Step (via Step -> lock (Gate)); 'A._a' is acquired while 'C.Gate' is held at File0.cs:5 in Back"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 4, 37, 4, 45).WithSpan("File0.cs", 10, 47, 10, 55).WithSpan("File0.cs", 15, 39, 15, 43).WithSpan("File0.cs", 4, 31, 4, 33).WithSpan("File0.cs", 5, 48, 5, 50).WithMessage("Lock-order cycle A._a -> C.Gate -> A._a: 'C.Gate' is acquired while 'A._a' is held here (via Step -> Step -> lock (Gate)), and elsewhere 'A._a' is acquired while 'C.Gate' is held at File0.cs:5 in Back"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 5, 48, 5, 50).WithSpan("File0.cs", 5, 32, 5, 38).WithSpan("File0.cs", 4, 37, 4, 45).WithMessage("Lock-order cycle C.Gate -> A._a -> C.Gate: 'A._a' is acquired while 'C.Gate' is held here, and elsewhere 'C.Gate' is acquired while 'A._a' is held at File0.cs:4 in Run (via Step -> Step -> lock (Gate))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 10, 47, 10, 55).WithSpan("File0.cs", 15, 39, 15, 43).WithSpan("File0.cs", 10, 39, 10, 43).WithSpan("File0.cs", 5, 48, 5, 50).WithSpan("File0.cs", 4, 37, 4, 45).WithMessage("Lock-order cycle B.Gate -> C.Gate -> A._a -> B.Gate: 'C.Gate' is acquired while 'B.Gate' is held here (via Step -> lock (Gate)), and elsewhere 'A._a' is acquired while 'C.Gate' is held at File0.cs:5 in Back; 'B.Gate' is acquired while 'A._a' is held at File0.cs:4 in Run (via Step -> lock (Gate))"));

        /// <summary>Negative: the same chain with no edge back is no cycle, and nothing is reported.</summary>
        [Fact]
        public Task AChainThroughCalleesOwnLocksWithNoWayBackIsClean()
            => Verify.AnalyzerAsync(@"public sealed class A
{
    private readonly object _a = new object();
    public void Run() { lock (_a) { B.Step(); } }
    public void Back() { lock (C.Gate) { } lock (_a) { } }
}
public static class B
{
    private static readonly object Gate = new object();
    public static void Step() { lock (Gate) { C.Step(); } }
}
public static class C
{
    public static readonly object Gate = new object();
    public static void Step() { lock (Gate) { } }
}
");
    }
}
