using System;
using System.Collections.Immutable;
using System.Threading;
using LockDiscipline.Analyzers.Incremental;
using LockDiscipline.Analyzers.Rules;
using LockDiscipline.Analyzers.Summaries;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Analyzers
{
    /// <summary>
    /// The one entry point. The compilation-wide analysis is built lazily on the first document's request (thread-safe, cached per
    /// compilation, not cached when cancelled) and each document reports its own diagnostics from a semantic-model action, so
    /// every rule, cycles included, shows live in the IDE.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LockDisciplineAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.LD0001_BadAnnotationArgument,
            Descriptors.LD0002_ContradictoryLockOrder,
            Descriptors.LD0003_ExternalSummary,
            Descriptors.LD0100_Baselined,
            Descriptors.LD1001_DeclaredOrderInversion,
            Descriptors.LD1002_InferredCycle,
            Descriptors.LD1003_RecursiveAcquisition,
            Descriptors.LD1004_AcquiredUnderLeafLock,
            Descriptors.LD1005_WaitForReadersUnderReaderLock,
            Descriptors.LD1006_RequiresNotHeld,
            Descriptors.LD1007_ExcludedLockHeld,
            Descriptors.LD1008_UnbalancedLock,
            Descriptors.LD1009_GuardedMemberAccess,
            Descriptors.LD1010_ThreadAffineLockAcrossAwait,
            Descriptors.LD2001_ReferenceLeak,
            Descriptors.LD2002_DoubleDrop,
            Descriptors.LD2003_UseAfterDrop,
            Descriptors.LD2004_FinalDropUnderLock,
            Descriptors.LD2005_DropOfUnownedReference,
            Descriptors.LD2006_HeldReferenceNeverDropped);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var settings = ReadSettings(start.Options.AnalyzerConfigOptionsProvider, ExternalSummaries.From(start.Options.AdditionalFiles, start.CancellationToken));
                var holder = new AnalysisHolder();
                var baseline = Baseline.From(start.Options.AdditionalFiles, start.CancellationToken);
                // Whether a summary can be used (or one is missing) depends on the references alone, not on any document: reported
                // once, at the end.
                start.RegisterCompilationEndAction(end =>
                {
                    foreach (var diagnostic in settings.Summaries.Bind(end.Compilation, end.CancellationToken).Diagnostics)
                    {
                        end.ReportDiagnostic(diagnostic);
                    }
                });

                start.RegisterSemanticModelAction(modelContext =>
                {
                    var analysis = holder.Get(modelContext.SemanticModel.Compilation, settings, modelContext.CancellationToken);
                    var diagnostics = analysis.DiagnosticsFor(modelContext.SemanticModel.SyntaxTree);
                    // The whole tree is matched against the baseline before any span filter, so a finding's entry never depends
                    // on which part of the file the IDE asks about.
                    foreach (var diagnostic in baseline is null || diagnostics.IsEmpty ? diagnostics : baseline.Apply(diagnostics, modelContext.SemanticModel, modelContext.CancellationToken))
                    {
                        if (!modelContext.FilterSpan.HasValue || modelContext.FilterSpan.Value.IntersectsWith(diagnostic.Location.SourceSpan))
                        {
                            modelContext.ReportDiagnostic(diagnostic);
                        }
                    }
                });
            });
        }

        internal static AnalyzerSettings ReadSettings(AnalyzerConfigOptionsProvider provider, ExternalSummaries? summaries = null)
        {
            var options = provider.GlobalOptions;
            var depth = options.TryGetValue("lockdiscipline.max_call_depth", out var d) && int.TryParse(d, out var parsed) && parsed > 0 ? parsed : AnalyzerSettings.Default.MaxCallDepth;
            var cycles = !options.TryGetValue("lockdiscipline.report_inferred_cycles", out var c) || !string.Equals(c.Trim(), "false", StringComparison.OrdinalIgnoreCase);
            var exceptions = options.TryGetValue("lockdiscipline.exceptions_from_calls", out var e) && string.Equals(e.Trim(), "true", StringComparison.OrdinalIgnoreCase);
            var framework = options.TryGetValue("lockdiscipline.dispatch_framework_members", out var f) && string.Equals(f.Trim(), "true", StringComparison.OrdinalIgnoreCase);
            return new AnalyzerSettings(depth, cycles, exceptions, framework).WithSummaries(summaries ?? ExternalSummaries.None);
        }

        /// <summary>
        /// The compilation's analysis, built once. Callers that arrive while it is being built take part in building it (see
        /// <see cref="Cooperation"/>) instead of waiting idle.
        /// </summary>
        private sealed class AnalysisHolder
        {
            private readonly object _gate = new();
            private CompilationAnalysis? _analysis;
            private Cooperation? _run;

            public CompilationAnalysis Get(Compilation compilation, AnalyzerSettings settings, CancellationToken cancellationToken)
            {
                while (true)
                {
                    Cooperation run;
                    lock (_gate)
                    {
                        if (_analysis is not null)
                        {
                            return _analysis;
                        }

                        if (Lineage.Find(compilation)?.AnalysisFor(compilation, settings) is { } cached)
                        {
                            return _analysis = cached;
                        }

                        run = _run ??= new Cooperation(CompilationAnalysis.DefaultHelpers);
                    }

                    try
                    {
                        var analysis = CompilationAnalysis.Run(compilation, settings, run, cancellationToken);
                        lock (_gate)
                        {
                            return _analysis ??= analysis;
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        lock (_gate)
                        {
                            if (_run == run)
                            {
                                _run = null;
                            }
                        }

                        if (ex is Cooperation.AbandonedException)
                        {
                            // Another caller was cancelled part-way; this one was not, so it starts a new run.
                            continue;
                        }

                        throw new InvalidOperationException($"LockDiscipline failed while analysing '{compilation.AssemblyName}': {ex.Message}", ex);
                    }
                    catch (OperationCanceledException)
                    {
                        lock (_gate)
                        {
                            if (_run == run && run.Failure is not null)
                            {
                                _run = null;
                            }
                        }

                        throw;
                    }
                }
            }
        }
    }
}
