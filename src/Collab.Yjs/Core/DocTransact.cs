namespace Collab.Yjs;

public sealed partial class Doc
{
    /// <summary>Runs <paramref name="action"/> inside a transaction (or inside the current one when nested).</summary>
    /// <param name="origin">Origin tag reported to listeners.</param>
    /// <param name="action">The edits.</param>
    public void Transact(object? origin, Action<Transaction> action) => TransactCore(action, origin, true);

    /// <summary>Runs <paramref name="action"/> inside a local transaction without origin.</summary>
    /// <param name="action">The edits.</param>
    public void Transact(Action<Transaction> action) => TransactCore(action, null, true);

    internal void TransactCore<TState>(Action<Transaction, TState> action, TState state, object? origin, bool local)
    {
        var initialCall = false;
        if (CurrentTransaction is null)
        {
            initialCall = true;
            CurrentTransaction = new Transaction(this, origin, local);
            TransactionCleanups.Add(CurrentTransaction);
        }

        try
        {
            action(CurrentTransaction, state);
        }
        finally
        {
            if (initialCall)
            {
                var finishCleanup = ReferenceEquals(CurrentTransaction, TransactionCleanups[0]);
                CurrentTransaction = null;
                if (finishCleanup)
                {
                    TransactionCleanup.Run(TransactionCleanups);
                }
            }
        }
    }

    internal void TransactCore(Action<Transaction> action, object? origin, bool local)
    {
        var initialCall = false;
        if (CurrentTransaction is null)
        {
            initialCall = true;
            CurrentTransaction = new Transaction(this, origin, local);
            TransactionCleanups.Add(CurrentTransaction);
        }

        try
        {
            action(CurrentTransaction);
        }
        finally
        {
            if (initialCall)
            {
                var finishCleanup = ReferenceEquals(CurrentTransaction, TransactionCleanups[0]);
                CurrentTransaction = null;
                if (finishCleanup)
                {
                    TransactionCleanup.Run(TransactionCleanups);
                }
            }
        }
    }
}
