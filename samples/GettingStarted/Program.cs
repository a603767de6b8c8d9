using LockDiscipline;

// The documented order: an account's lock is taken outside the ledger's.
[assembly: LockOrder("Account.Lock", "Ledger.Lock")]

var ledger = new Ledger();
var account = new Account(ledger);
account.Deposit(10);
Console.WriteLine(ledger.Total);

public sealed class Mutex
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    [Acquires] public void Lock() => _gate.Wait();

    [Releases] public void Unlock() => _gate.Release();
}

public sealed class Ledger
{
    public Mutex Lock { get; } = new();

    [GuardedBy("Lock")] public int Total { get; private set; }

    [Requires("Lock")] public void Record(int amount) => Total += amount;

    // Uncomment to see LD1001: the ledger's lock is held while the account's is taken, against the declared order.
    // public void Audit(Account account) { Lock.Lock(); account.Touch(); Lock.Unlock(); }
}

public sealed class Account(Ledger ledger)
{
    public Mutex Lock { get; } = new();

    public void Deposit(int amount)
    {
        Lock.Lock();
        ledger.Lock.Lock();
        ledger.Record(amount);
        ledger.Lock.Unlock();
        Lock.Unlock();
    }

    public void Touch() { Lock.Lock(); Lock.Unlock(); }
}
