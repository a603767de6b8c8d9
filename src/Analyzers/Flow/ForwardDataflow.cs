using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace LockDiscipline.Analyzers.Flow
{
    /// <summary>
    /// A forward worklist dataflow over Roslyn's <see cref="ControlFlowGraph"/>, shared by the held-lock and ownership analyses:
    /// blocks in ordinal order to a fixpoint (bounded visits per block), <c>finally</c> regions run on every branch that leaves
    /// through them, catch handlers entered with what their try held before and after each block, conditional branches split by
    /// the analysis, explicit throws leave through enclosing finallys unless a catch-all takes them.
    /// </summary>
    internal abstract class ForwardDataflow<TState>
        where TState : class
    {
        private const int MaxVisitsPerBlock = 64;

        protected ForwardDataflow(ControlFlowGraph cfg, CancellationToken cancellationToken)
        {
            Cfg = cfg;
            CancellationToken = cancellationToken;
        }

        protected ControlFlowGraph Cfg { get; }

        protected CancellationToken CancellationToken { get; }

        /// <summary>The block whose operations are being transferred.</summary>
        protected BasicBlock? CurrentBlock { get; private set; }

        /// <summary>Leaves the method as an exception from the current point would: through enclosing finallys, unless caught.</summary>
        protected void ThrowFromCurrentBlock(TState state, ExitPoint exit)
        {
            if (CurrentBlock is { } block)
            {
                Throw(block, state, exit);
            }
        }

        protected abstract TState Join(TState? a, TState b);

        protected abstract bool Same(TState a, TState b);

        /// <summary>One operation, visited after its operands (post-order, lambdas not entered).</summary>
        protected abstract TState Transfer(IOperation operation, TState state);

        /// <summary>The states on the true and false edges of a branch on <paramref name="condition"/>.</summary>
        protected abstract (TState WhenTrue, TState WhenFalse) Split(IOperation? condition, TState state);

        /// <summary>The method is left with <paramref name="state"/>; <paramref name="exit"/> says how, for messages.</summary>
        protected abstract void OnExit(TState state, ExitPoint exit, BasicBlock from);

        protected void RunMethod(TState entry)
        {
            if (Cfg.Blocks.Length > 0)
            {
                RunBlocks(0, entry, Cfg.Root);
            }
        }

        /// <summary>Runs the blocks of <paramref name="bounds"/> from <paramref name="entryOrdinal"/>; returns the join of the states leaving through the end of a finally.</summary>
        private TState? RunBlocks(int entryOrdinal, TState entryState, ControlFlowRegion bounds)
        {
            // Indexed by ordinal from the region's first block: every body is walked, so the work list allocates nothing per block.
            var first = bounds.FirstBlockOrdinal;
            var size = bounds.LastBlockOrdinal - first + 1;
            var inStates = new TState?[size];
            var visits = new int[size];
            var queued = new bool[size];
            inStates[entryOrdinal - first] = entryState;
            queued[entryOrdinal - first] = true;
            var lowest = entryOrdinal - first;
            TState? regionOut = null;
            System.Action<int, TState> enqueue = Enqueue;

            while (true)
            {
                CancellationToken.ThrowIfCancellationRequested();

                // The lowest ordinal waiting, as a sorted work list would give it.
                while (lowest < size && !queued[lowest])
                {
                    lowest++;
                }

                if (lowest == size)
                {
                    break;
                }

                var index = lowest;
                queued[index] = false;
                if (visits[index] >= MaxVisitsPerBlock)
                {
                    continue;
                }

                visits[index]++;
                var block = Cfg.Blocks[index + first];
                var state = inStates[index]!;
                var before = state;
                var outer = CurrentBlock;
                CurrentBlock = block;

                // An exception can leave from before any operation of the block, not from after its last one: a block that
                // ends with `mu.Lock()` followed by `try { ... } finally { mu.Unlock(); }` never reaches a catch with `mu` held.
                var exceptional = before;
                foreach (var operation in block.Operations)
                {
                    exceptional = Join(exceptional, state);
                    state = TransferTree(operation, state);
                }

                if (block.BranchValue is not null)
                {
                    exceptional = Join(exceptional, state);
                    state = TransferTree(block.BranchValue, state);
                }

                CurrentBlock = outer;

                Unwind(block, exceptional, enqueue);

                if (block.ConditionalSuccessor is { } conditional)
                {
                    var (whenTrue, whenFalse) = Split(block.BranchValue, state);
                    var onTrue = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
                    Follow(block, conditional, onTrue ? whenTrue : whenFalse, enqueue, ref regionOut, viaConditional: true);
                    Follow(block, block.FallThroughSuccessor, onTrue ? whenFalse : whenTrue, enqueue, ref regionOut);
                }
                else
                {
                    Follow(block, block.FallThroughSuccessor, state, enqueue, ref regionOut);
                }
            }

            return regionOut;

            void Enqueue(int target, TState incoming)
            {
                if (target < bounds.FirstBlockOrdinal || target > bounds.LastBlockOrdinal)
                {
                    return;
                }

                var existing = inStates[target - first];
                var joined = Join(existing, incoming);
                if (existing is null || !Same(existing, joined))
                {
                    inStates[target - first] = joined;
                    queued[target - first] = true;
                    lowest = System.Math.Min(lowest, target - first);
                }
            }
        }

        /// <summary>Transfers every operation of <paramref name="root"/> in post-order (lambdas not entered).</summary>
        private TState TransferTree(IOperation root, TState state)
        {
            // Not one field: a transfer can run a finally region, which transfers its own trees meanwhile; the stacks are reused.
            var stack = _stacks.Count > 0 ? _stacks.Pop() : new Stack<(IOperation Op, bool Expanded)>();
            try
            {
                return TransferTree(root, state, stack);
            }
            finally
            {
                stack.Clear();
                _stacks.Push(stack);
            }
        }

        private readonly Stack<Stack<(IOperation Op, bool Expanded)>> _stacks = new();

        private TState TransferTree(IOperation root, TState state, Stack<(IOperation Op, bool Expanded)> stack)
        {
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (op, expanded) = stack.Pop();
                if (expanded || op is IFlowAnonymousFunctionOperation)
                {
                    state = Transfer(op, state);
                    continue;
                }

                stack.Push((op, true));
                foreach (var child in op.ChildOperations.Reverse())
                {
                    stack.Push((child, false));
                }
            }

            return state;
        }

        private void Follow(BasicBlock from, ControlFlowBranch? branch, TState state, System.Action<int, TState> enqueue, ref TState? regionOut, bool viaConditional = false)
        {
            if (branch is null)
            {
                return;
            }

            foreach (var finallyRegion in branch.FinallyRegions)
            {
                var after = RunBlocks(finallyRegion.FirstBlockOrdinal, state, finallyRegion);
                if (after is null)
                {
                    return;
                }

                state = after;
            }

            switch (branch.Semantics)
            {
                case ControlFlowBranchSemantics.Regular when branch.Destination is { } destination:
                    if (destination.Kind == BasicBlockKind.Exit)
                    {
                        OnExit(state, DescribeReturn(from, viaConditional), from);
                    }
                    else
                    {
                        enqueue(destination.Ordinal, state);
                    }

                    break;
                case ControlFlowBranchSemantics.Return:
                    OnExit(state, DescribeReturn(from, viaConditional), from);
                    break;
                case ControlFlowBranchSemantics.Throw:
                case ControlFlowBranchSemantics.Rethrow:
                    Throw(from, state, from.BranchValue is { } thrown ? new ExitPoint("when it throws at line", thrown.Syntax.GetLocation()) : new ExitPoint("when it throws"));
                    break;
                case ControlFlowBranchSemantics.StructuredExceptionHandling:
                    regionOut = Join(regionOut, state);
                    break;
            }
        }

        /// <summary>
        /// Names the exit a path takes, for messages: the <c>return</c> it leaves through, or the end of the method for a path that
        /// runs off the end of the body. <paramref name="viaConditional"/>: the path leaves <paramref name="from"/> by its conditional
        /// branch, which for an <c>if</c> skips the then-part (Roslyn's graphs enter the then-part by falling through).
        /// </summary>
        private static ExitPoint DescribeReturn(BasicBlock from, bool viaConditional)
        {
            if (ReturnStatementOf(from, viaConditional) is { } explicitReturn)
            {
                return new ExitPoint("when it returns at line", explicitReturn.GetLocation());
            }

            var lastSyntax = from.BranchValue?.Syntax ?? from.Operations.LastOrDefault()?.Syntax;
            if (lastSyntax is not null && FallsOffTheEnd(lastSyntax))
            {
                return new ExitPoint("at the end of the method");
            }

            if (from.BranchValue is { } value)
            {
                return new ExitPoint("when it returns at line", value.Syntax.GetLocation());
            }

            return lastSyntax is null ? new ExitPoint("when it returns") : new ExitPoint("when it returns after line", lastSyntax.GetLocation());
        }

        /// <summary>The <c>return</c> statement a block leaves the method through, when it has one in the source.</summary>
        protected static Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax? ReturnStatementOf(BasicBlock from, bool viaConditional = false)
        {
            if (from.BranchValue is { } value)
            {
                // `return x;` carries x as the branch value; `if (c) return;` branches on (a part of) c straight to the exit.
                if (value.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax>() is { } returnWithValue)
                {
                    return returnWithValue;
                }

                var condition = value.Syntax.AncestorsAndSelf().TakeWhile(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax).LastOrDefault();
                return condition?.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.IfStatementSyntax branch && branch.Condition == condition
                    ? (viaConditional ? ReturnIn(branch.Else?.Statement) : ReturnIn(branch.Statement))
                    : null;
            }

            var last = from.Operations.LastOrDefault();
            return last?.Syntax.Parent?.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax block
                   && block.Statements.LastOrDefault() is Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax explicitReturn
                   && explicitReturn.SpanStart > last.Syntax.SpanStart
                ? explicitReturn
                : null;
        }

        /// <summary>
        /// Whether control leaving the statement that holds <paramref name="syntax"/> runs off the end of the body: the statement is
        /// the last of its block, and so on out to the body, through <c>if</c>, <c>try</c>, <c>lock</c>, <c>using</c> and blocks
        /// (a loop's end goes back to its condition, and a switch section's end is a break).
        /// </summary>
        private static bool FallsOffTheEnd(SyntaxNode syntax)
        {
            var statement = syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.StatementSyntax>();
            if (statement is null or Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.ThrowStatementSyntax)
            {
                return false;
            }

            for (SyntaxNode node = statement; node.Parent is { } parent; node = parent)
            {
                switch (parent)
                {
                    case Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax block:
                        if (block.Statements.LastOrDefault() != node)
                        {
                            return false;
                        }

                        if (block.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax
                            or Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax)
                        {
                            return true;
                        }

                        break;
                    case Microsoft.CodeAnalysis.CSharp.Syntax.IfStatementSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.ElseClauseSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.LockStatementSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.UsingStatementSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.FixedStatementSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.CheckedStatementSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.UnsafeStatementSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.LabeledStatementSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.TryStatementSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.CatchClauseSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.FinallyClauseSyntax:
                        break;
                    default:
                        return false;
                }
            }

            return false;
        }

        private static Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax? ReturnIn(SyntaxNode? statement) => statement switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax r => r,
            Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax { Statements.Count: 1 } b => b.Statements[0] as Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax,
            _ => null,
        };

        private void Throw(BasicBlock from, TState state, ExitPoint exit)
        {
            if (Unwind(from, state, enqueueHandlers: null) is { } escaped)
            {
                OnExit(escaped, exit, from);
            }
        }

        /// <summary>
        /// The regions around <paramref name="block"/>, innermost first, up to this graph's root. A lambda's or local function's
        /// regions continue into the enclosing method's (a local function declared inside a <c>lock</c> sees its try/finally), but
        /// those run at the declaration, not when the function throws, and their blocks are another graph's.
        /// </summary>
        private IEnumerable<ControlFlowRegion> RegionsOut(BasicBlock block)
        {
            for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
            {
                yield return region;
                if (region == Cfg.Root)
                {
                    yield break;
                }
            }
        }

        private static bool IsCatchAll(ControlFlowRegion handler)
            => handler.Kind == ControlFlowRegionKind.Catch
               && (handler.ExceptionType is null || handler.ExceptionType.SpecialType == SpecialType.System_Object
                   || handler.ExceptionType.ToDisplayString() == "System.Exception");

        /// <summary>
        /// An exception leaving <paramref name="from"/> with <paramref name="state"/>: it goes through every enclosing finally first
        /// (a <c>lock</c> inside a <c>try</c> is released before the <c>catch</c> runs), is offered to each enclosing catch
        /// (<paramref name="enqueueHandlers"/>, when given) and stops at a catch-all. Returns the state it leaves the method with, or
        /// null when a catch-all takes it or a finally does not complete.
        /// </summary>
        private TState? Unwind(BasicBlock from, TState state, System.Action<int, TState>? enqueueHandlers)
        {
            foreach (var region in RegionsOut(from))
            {
                if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is not { } parent)
                {
                    continue;
                }

                if (parent.Kind == ControlFlowRegionKind.TryAndFinally)
                {
                    var finallyRegion = parent.NestedRegions.Last();
                    if (RunBlocks(finallyRegion.FirstBlockOrdinal, state, finallyRegion) is not { } after)
                    {
                        return null;
                    }

                    state = after;
                }
                else if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
                {
                    var handlers = parent.NestedRegions.Skip(1).ToList();
                    if (enqueueHandlers is not null)
                    {
                        foreach (var handler in handlers)
                        {
                            enqueueHandlers(handler.FirstBlockOrdinal, state);
                        }
                    }

                    if (handlers.Any(IsCatchAll))
                    {
                        return null;
                    }
                }
            }

            return state;
        }
    }
}
