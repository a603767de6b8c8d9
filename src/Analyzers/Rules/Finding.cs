using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>
    /// A rule's finding in the parts its diagnostic is made of, so an analysis after an edit that changed no facts can report it
    /// again with its locations moved (<see cref="Incremental.EarlierFindings"/>). Its arguments are kept as text: a symbol
    /// among them would keep its compilation alive.
    /// </summary>
    internal sealed class Finding
    {
        public Finding(DiagnosticDescriptor descriptor, Location location, ImmutableArray<Location> additional, ImmutableDictionary<string, string?>? properties, object[] arguments)
        {
            Descriptor = descriptor;
            Location = location;
            Additional = additional;
            Properties = properties;
            Arguments = arguments.Select(a => a is null or string or System.IFormattable ? a : a.ToString()).ToArray();
            Diagnostic = Diagnostic.Create(Descriptor, Location, Additional, Properties, Arguments);
        }

        public DiagnosticDescriptor Descriptor { get; }

        public Location Location { get; }

        public ImmutableArray<Location> Additional { get; }

        public ImmutableDictionary<string, string?>? Properties { get; }

        public object?[] Arguments { get; }

        /// <summary>The diagnostic the finding is reported as.</summary>
        public Diagnostic Diagnostic { get; }

        /// <summary>The same finding at other locations, with other code-fix properties.</summary>
        public Finding MovedTo(Location location, ImmutableArray<Location> additional, ImmutableDictionary<string, string?>? properties)
            => new(Descriptor, location, additional, properties, Arguments!);
    }
}
