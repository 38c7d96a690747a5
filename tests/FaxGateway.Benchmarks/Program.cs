using BenchmarkDotNet.Running;

// Runs the benchmarks named by --filter; results belong in docs/benchmarks.md with machine and date.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

public partial class Program;
