using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace LockDiscipline.Analyzers
{
    /// <summary>
    /// One compilation-wide analysis run shared by every thread that asks for it. The compiler calls the analyzer for several
    /// documents at once; instead of all but one waiting idle for the analysis, each caller runs the same sequence of steps and
    /// takes part in it: a <see cref="ForEach{T}"/> step hands its items (trees) to whoever is free, and a <see cref="Once{T}"/>
    /// step is run by the first caller while the others wait for its value. Thread-pool helpers join the parallel steps too, so a
    /// lone caller (the IDE asking for one document) still uses every core.
    /// <para>
    /// Every caller must make the same calls in the same order (a step is identified by its position in that sequence). A step
    /// that throws, cancellation included, fails the whole run: the callers still waiting get <see cref="AbandonedException"/>,
    /// and start a new run unless they were cancelled themselves. Results never depend on which thread did what, since each
    /// item's result lands in its own slot.
    /// </para>
    /// </summary>
    internal sealed class Cooperation
    {
        private readonly object _gate = new();
        private readonly List<Step> _steps = new();
        private readonly ManualResetEventSlim _failed = new(false);
        private ExceptionDispatchInfo? _failure;

        /// <summary>How many thread-pool helpers each parallel step may start (the callers themselves come on top).</summary>
        private readonly int _helpers;

        public Cooperation(int helpers) => _helpers = helpers;

        /// <summary>The failure that ended the run: an <see cref="OperationCanceledException"/> when a participant was cancelled.</summary>
        public Exception? Failure => _failure?.SourceException;

        /// <summary>Runs <paramref name="compute"/> once for all participants; each gets the same value (null included).</summary>
        public T Once<T>(ref int stepIndex, Func<T> compute, CancellationToken cancellationToken)
            where T : class?
        {
            var step = StepAt(stepIndex++, () => new OnceStep());
            var once = (OnceStep)step;
            if (Interlocked.CompareExchange(ref once.Claimed, 1, 0) == 0)
            {
                try
                {
                    once.Value = compute();
                }
                catch (Exception ex)
                {
                    Fail(ex);
                    throw;
                }

                once.Done.Set();
                return (T)once.Value!;
            }

            Wait(once.Done, cancellationToken);
            return (T)once.Value!;
        }

        /// <summary>Runs <paramref name="body"/> for every index in [0, count), spread over all participants and helpers; returns the results in index order.</summary>
        public T[] ForEach<T>(ref int stepIndex, int count, Func<int, T> body, CancellationToken cancellationToken)
        {
            var created = false;
            var step = (ForEachStep<T>)StepAt(stepIndex++, () =>
            {
                created = true;
                return new ForEachStep<T>(count, body);
            });

            if (created)
            {
                for (var i = 0; i < Math.Min(_helpers, count - 1); i++)
                {
                    // Helpers work under the token of the caller that created the step: if it is cancelled, the run is abandoned anyway.
                    Task.Run(() => Work(step, cancellationToken), CancellationToken.None);
                }
            }

            Work(step, cancellationToken);
            Wait(step.Done, cancellationToken);
            return step.Results;
        }

        private void Work<T>(ForEachStep<T> step, CancellationToken cancellationToken)
        {
            try
            {
                int index;
                while (!_failed.IsSet && (index = Interlocked.Increment(ref step.Next)) < step.Count)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    step.Results[index] = step.Body(index);
                    if (Interlocked.Decrement(ref step.Remaining) == 0)
                    {
                        step.Done.Set();
                    }
                }
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
        }

        private Step StepAt(int index, Func<Step> create)
        {
            lock (_gate)
            {
                while (_steps.Count <= index)
                {
                    _steps.Add(null!);
                }

                return _steps[index] ??= create();
            }
        }

        private void Fail(Exception exception)
        {
            lock (_gate)
            {
                _failure ??= ExceptionDispatchInfo.Capture(exception);
            }

            _failed.Set();
        }

        private void Wait(ManualResetEventSlim done, CancellationToken cancellationToken)
        {
            if (!done.IsSet)
            {
                WaitHandle.WaitAny(new[] { done.WaitHandle, _failed.WaitHandle, cancellationToken.WaitHandle });
            }

            if (done.IsSet)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (_failed.IsSet)
            {
                if (_failure?.SourceException is not OperationCanceledException)
                {
                    _failure?.Throw();
                }

                throw new AbandonedException();
            }
        }

        /// <summary>Another participant was cancelled part-way: this run cannot finish, a new one must be started.</summary>
        public sealed class AbandonedException : Exception
        {
            public AbandonedException()
                : base("The shared analysis run was abandoned because a participant was cancelled.")
            {
            }
        }

        private abstract class Step
        {
            public ManualResetEventSlim Done { get; } = new(false);
        }

        private sealed class OnceStep : Step
        {
            public int Claimed;
            public object? Value;
        }

        private sealed class ForEachStep<T> : Step
        {
            public readonly int Count;
            public readonly Func<int, T> Body;
            public readonly T[] Results;
            public int Next = -1;
            public int Remaining;

            public ForEachStep(int count, Func<int, T> body)
            {
                Count = count;
                Body = body;
                Results = new T[count];
                Remaining = count;
                if (count == 0)
                {
                    Done.Set();
                }
            }
        }
    }
}
