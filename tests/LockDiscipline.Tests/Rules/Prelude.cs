namespace LockDiscipline.Tests.Rules
{
    /// <summary>Small annotated primitives that the rule tests' sources share.</summary>
    internal static class Prelude
    {
        public const string Primitives = @"
namespace Prims
{
    using LockDiscipline;

    public class Mutex
    {
        [Acquires] public void Lock() { }
        [Acquires(Subclass = 1)] public void LockNested() { }
        [Releases] public void Unlock() { }
        [TryAcquires(true)] public bool TryLock() => true;
    }

    [ReaderNeverBlocks]
    public class Srcu
    {
        [Acquires(Shared = true)] public int ReadLock() => 0;
        [Releases(Shared = true)] public void ReadUnlock(int idx) { }
        [WaitsForReaders] public void Synchronize() { }
    }
}
";
    }
}
