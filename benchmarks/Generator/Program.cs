using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace LockDiscipline.Benchmarks
{
    /// <summary>
    /// Writes a deterministic C# project of about the requested number of lines: classes with annotated and BCL locks, call chains
    /// up to ten deep across files, interfaces with several implementations, get/put pairs, and a known number of planted
    /// inversions (LD1001) and leaks (LD2001), so a benchmark run also checks the findings.
    /// With <c>dense</c>, the lock-dense shape of issue 16 instead: about one class per 300 lines, every public method holding its
    /// class's lock while it calls one to three methods of later classes, which take theirs, so lock-holding chains run
    /// hundreds of calls deep and every lock reaches most of the locks after it; calls only go forward, so nothing is planted
    /// and nothing may be found.
    /// Usage: Generator OUTDIR LINES ANALYZERS_DIR [dense] (LOCKDISCIPLINE_CLASSES_PER_FILE sets how many classes share a file).
    /// </summary>
    public static class Program
    {
        /// <summary>
        /// Lock classes per file (each with its plain classes in the default shape): 5, or LOCKDISCIPLINE_CLASSES_PER_FILE (1 gives
        /// about as many files as issue 16's held-out corpus, 642 for 200k lines).
        /// </summary>
        private static readonly int ClassesPerFile = int.TryParse(Environment.GetEnvironmentVariable("LOCKDISCIPLINE_CLASSES_PER_FILE"), out var perFile) && perFile > 0 ? perFile : 5;
        private const int ChainLength = 10;
        private const int HandlersPerInterface = 8;
        private const int PlainPerLockClass = 3;
        private const int PlantEvery = 12;

        public static int Main(string[] args)
        {
            if (args.Length is not (3 or 4) || !int.TryParse(args[1], out var lines) || (args.Length == 4 && args[3] != "dense"))
            {
                Console.Error.WriteLine("usage: Generator OUTDIR LINES ANALYZERS_DIR [dense]");
                return 2;
            }

            var output = Path.GetFullPath(args[0]);
            var analyzers = Path.GetFullPath(args[2]);
            Directory.CreateDirectory(output);
            foreach (var old in Directory.GetFiles(output, "*.cs"))
            {
                File.Delete(old);
            }

            if (args.Length == 4)
            {
                return Dense(output, lines, analyzers);
            }

            // About a quarter of the code takes locks; the rest is ordinary logic, as in a real service or driver stack.
            var classes = Math.Max(ChainLength, lines / 400);
            var plainClasses = classes * PlainPerLockClass;
            var planted = Math.Max(1, (classes + PlantEvery - 1) / PlantEvery);
            File.WriteAllText(Path.Combine(output, "Corpus.csproj"), Project(analyzers));
            File.WriteAllText(Path.Combine(output, ".editorconfig"), EditorConfig);
            File.WriteAllText(Path.Combine(output, "Primitives.cs"), Primitives(classes, planted));
            var total = 0;
            for (var file = 0; file * ClassesPerFile < classes; file++)
            {
                var text = new StringBuilder();
                text.AppendLine("using System;\nusing System.IO;\nusing System.Threading;\nusing LockDiscipline;\n\nnamespace Corpus\n{");
                for (var c = file * ClassesPerFile; c < Math.Min(classes, (file + 1) * ClassesPerFile); c++)
                {
                    text.Append(Class(c, classes, c % PlantEvery == 0));
                    for (var p = 0; p < PlainPerLockClass; p++)
                    {
                        text.Append(PlainClass(c * PlainPerLockClass + p, plainClasses));
                    }
                }

                text.AppendLine("}");
                var source = text.ToString();
                total += source.Split('\n').Length;
                File.WriteAllText(Path.Combine(output, "File" + file.ToString("D4", CultureInfo.InvariantCulture) + ".cs"), source);
            }

            Console.WriteLine($"{total} lines, {classes} classes, {planted} planted inversions, {planted} planted leaks");
            File.WriteAllText(Path.Combine(output, "expected.txt"), $"LD1001 {planted}\nLD2001 {planted}\n");
            return 0;
        }

        private const int DenseLinesPerClass = 300;
        private const int DenseMethods = 10;
        private const int DenseReach = 24;

        /// <summary>The lock-dense corpus: see the class summary.</summary>
        private static int Dense(string output, int lines, string analyzers)
        {
            var classes = Math.Max(2, lines / DenseLinesPerClass);
            File.WriteAllText(Path.Combine(output, "Corpus.csproj"), Project(analyzers));
            File.WriteAllText(Path.Combine(output, ".editorconfig"), EditorConfig);
            var total = 0;
            for (var file = 0; file * ClassesPerFile < classes; file++)
            {
                var text = new StringBuilder();
                text.AppendLine("using System;\nusing System.Collections.Generic;\n\nnamespace Corpus\n{");
                for (var c = file * ClassesPerFile; c < Math.Min(classes, (file + 1) * ClassesPerFile); c++)
                {
                    text.Append(DenseClass(c, classes));
                }

                text.AppendLine("}");
                var source = text.ToString();
                total += source.Split('\n').Length;
                File.WriteAllText(Path.Combine(output, "File" + file.ToString("D4", CultureInfo.InvariantCulture) + ".cs"), source);
            }

            Console.WriteLine($"{total} lines, {classes} lock-dense classes, nothing planted");
            File.WriteAllText(Path.Combine(output, "expected.txt"), "LD1001 0\nLD2001 0\n");
            return 0;
        }

        private static string DenseClass(int c, int classes)
        {
            var text = new StringBuilder();
            text.AppendLine($@"
    public sealed class D{c}
    {{
        public static readonly D{c} Instance = new D{c}();
        private readonly object _gate = new object();
        private readonly List<int> _values = new List<int>();
        private int _count;");
            for (var m = 0; m < DenseMethods; m++)
            {
                text.AppendLine($@"
        public int M{m}(int value)
        {{
            var local = value * {m + 1} + _count;
            for (var i = 0; i < 3; i++)
            {{
                local += i * {c % 7 + 1};
                if (local % 5 == 0)
                {{
                    local -= {m};
                }}
            }}

            lock (_gate)
            {{
                _count += local;
                _values.Add(local);");
                // One to three calls into later classes, chosen deterministically; the last class calls nothing.
                var calls = c + 1 < classes ? 1 + (c + m) % 3 : 0;
                for (var k = 0; k < calls; k++)
                {
                    var target = c + 1 + (c * 7 + m * 3 + k * 5) % Math.Min(DenseReach, classes - c - 1);
                    var method = (m + k + c) % DenseMethods;
                    text.AppendLine($"                local += D{target}.Instance.M{method}(local % 97);");
                }

                text.AppendLine(@"            }

            return local;
        }");
            }

            text.AppendLine("    }");
            return text.ToString();
        }

        private const string EditorConfig = @"root = true
[*.cs]
dotnet_analyzer_diagnostic.category-Reliability.severity = none
dotnet_diagnostic.CA2000.severity = warning
";

        private static string Project(string analyzers) => $@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>disable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <EnableNETAnalyzers Condition=""'$(WithCA2000)' != 'true'"">false</EnableNETAnalyzers>
    <EnableNETAnalyzers Condition=""'$(WithCA2000)' == 'true'"">true</EnableNETAnalyzers>
    <AnalysisMode Condition=""'$(WithCA2000)' == 'true'"">None</AnalysisMode>
    <NoWarn>$(NoWarn);CS0169;CS0414;CS0649</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include=""LockDiscipline.Annotations"" HintPath=""{analyzers}/LockDiscipline.Annotations.dll"" />
    <Analyzer Include=""{analyzers}/LockDiscipline.Analyzers.dll"" Condition=""'$(WithLockDiscipline)' == 'true'"" />
    <Analyzer Include=""{analyzers}/LockDiscipline.Benchmarks.EmptyAnalyzer.dll"" Condition=""'$(WithEmptyAnalyzer)' == 'true'"" />
  </ItemGroup>
</Project>
";

        private static string Primitives(int classes, int planted)
        {
            var text = new StringBuilder();
            text.AppendLine("using LockDiscipline;");
            for (var p = 0; p < planted; p++)
            {
                var c = p * PlantEvery;
                text.AppendLine($"[assembly: LockOrder(\"Corpus.C{c}.Outer\", \"Corpus.C{c}.Inner\")]");
            }

            text.AppendLine(@"namespace Corpus
{
    public sealed class Mutex
    {
        private readonly System.Threading.SemaphoreSlim _gate = new System.Threading.SemaphoreSlim(1, 1);
        [Acquires] public void Lock() => _gate.Wait();
        [Releases] public void Unlock() => _gate.Release();
        [TryAcquires(true)] public bool TryLock() => _gate.Wait(0);
    }

    public sealed class Counted
    {
        private int _refs = 1;
        [TakesRef] public void Get() => System.Threading.Interlocked.Increment(ref _refs);
        [DropsRef] public void Put() => System.Threading.Interlocked.Decrement(ref _refs);
        [ReturnsRef] public static Counted Lookup(int id) => id < 0 ? null : new Counted();
    }

}");
            for (var group = 0; group * HandlersPerInterface < classes; group++)
            {
                text.AppendLine($"namespace Corpus {{ public interface IHandler{group} {{ int Handle(int value); }} }}");
            }

            return text.ToString();
        }

        private static string PlainClass(int p, int count)
        {
            var next = (p + 1) % count;
            return $@"
    public sealed class Plain{p}
    {{
        private readonly System.Collections.Generic.List<int> _values = new System.Collections.Generic.List<int>();
        private readonly System.Collections.Generic.Dictionary<string, int> _index = new System.Collections.Generic.Dictionary<string, int>();
        public string Name {{ get; set; }} = ""plain{p}"";

        public int Add(int value)
        {{
            _values.Add(value);
            _index[Name + value] = _values.Count;
            return _values.Count;
        }}

        public int Sum()
        {{
            var total = 0;
            foreach (var value in _values)
            {{
                total += value % 7 == 0 ? value * 2 : value;
            }}

            return total;
        }}

        public string Describe(int depth)
        {{
            var text = new System.Text.StringBuilder();
            text.Append(Name).Append(':').Append(Sum());
            if (depth > 0)
            {{
                text.Append(new Plain{next}().Describe(depth - 1));
            }}

            return text.ToString();
        }}

        public int Lookup(string key)
        {{
            if (string.IsNullOrEmpty(key))
            {{
                return -1;
            }}

            return _index.TryGetValue(key, out var found) ? found : 0;
        }}

        public int[] Top(int count)
        {{
            var copy = _values.ToArray();
            Array.Sort(copy);
            Array.Reverse(copy);
            var result = new int[Math.Min(count, copy.Length)];
            Array.Copy(copy, result, result.Length);
            return result;
        }}

        public double Average()
        {{
            if (_values.Count == 0)
            {{
                return 0;
            }}

            double sum = 0;
            for (var i = 0; i < _values.Count; i++)
            {{
                sum += _values[i];
            }}

            return sum / _values.Count;
        }}

        public bool Validate(string input, out string error)
        {{
            error = null;
            if (input == null)
            {{
                error = ""missing"";
                return false;
            }}

            switch (input.Length)
            {{
                case 0:
                    error = ""empty"";
                    return false;
                case > 64:
                    error = ""too long"";
                    return false;
                default:
                    return true;
            }}
        }}
    }}
";
        }

        private static string Class(int c, int classes, bool plant)
        {
            var next = (c + 1) % classes;
            var depth = c % ChainLength;
            var callNext = depth < ChainLength - 1 ? $"new C{next}().Step{next}(value - 1)" : "value";
            var impl = c % 3;
            var handler = "IHandler" + (c / HandlersPerInterface).ToString(CultureInfo.InvariantCulture);
            var plantedInversion = plant
                ? $@"
        public void Inverted()
        {{
            Inner.Lock();
            TakeOuter();
            Inner.Unlock();
        }}

        private void TakeOuter()
        {{
            Outer.Lock();
            Outer.Unlock();
        }}

        public void Leaky(bool fail)
        {{
            var item = Counted.Lookup({c});
            if (item == null) return;
            if (fail) return;
            item.Put();
        }}
"
                : string.Empty;
            return $@"
    public sealed class C{c} : {handler}
    {{
        public Mutex Outer = new Mutex();
        public Mutex Inner = new Mutex();
        private readonly object _gate = new object();
        private readonly SemaphoreSlim _sem = new SemaphoreSlim(1, 1);
        private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
        private int _count;
        private Counted _shared = new Counted();

        public int Step{c}(int value)
        {{
            if (value <= 0)
            {{
                return 0;
            }}

            Outer.Lock();
            try
            {{
                Inner.Lock();
                _count += value;
                Inner.Unlock();
                return {callNext};
            }}
            finally
            {{
                Outer.Unlock();
            }}
        }}

        public int Handle(int value)
        {{
            lock (_gate)
            {{
                _count += value * {impl + 1};
            }}

            return _count;
        }}

        public void Dispatch({handler} handler, int value)
        {{
            _sem.Wait();
            try
            {{
                handler.Handle(value);
            }}
            finally
            {{
                _sem.Release();
            }}
        }}

        public int Read()
        {{
            _rw.EnterReadLock();
            var result = _count;
            _rw.ExitReadLock();
            return result;
        }}

        public void Touch(int id)
        {{
            _shared.Get();
            using (var stream = new MemoryStream())
            {{
                stream.WriteByte((byte)id);
            }}

            var item = Counted.Lookup(id);
            if (item != null)
            {{
                item.Put();
            }}

            _shared.Put();
        }}

        public bool TryWork()
        {{
            if (!Inner.TryLock())
            {{
                return false;
            }}

            _count++;
            Inner.Unlock();
            return true;
        }}
{plantedInversion}    }}
";
        }
    }
}
