// A file-based program (.NET 10: `dotnet run optimize.cs`): the walk of notebook 03 without a notebook kernel —
// evaluate a program, bootstrap demonstrations, save and reload the compiled program. Offline by default (the toy
// arithmetic model of the notebooks); DECLARATIVE_MODEL or OPENAI_API_KEY select a real model.
#:project ../../notebooks/Declarative.Notebooks/Declarative.Notebooks.csproj
#:property NoWarn=CA1303;CA1849;CA2007;CS1591

using Declarative;
using Declarative.Notebooks;
using Declarative.Optimizers;
using Microsoft.Extensions.AI;

var data = Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "../../notebooks/data");
var trainset = Dataset.LoadJsonl(Path.Combine(data, "arithmetic-train.jsonl"), "question");
var devset = Dataset.LoadJsonl(Path.Combine(data, "arithmetic-dev.jsonl"), "question");
var metric = Metrics.ExactMatch("answer");

var (model, description) = await NotebookModel.ChooseAsync(new ToyArithmeticModel());
var context = new RunContext(model);
Console.WriteLine($"Model: {description}");

var program = new Predict("question -> answer");
var evaluator = new Evaluator();
var baseline = await evaluator.EvaluateAsync(program, context, devset, metric);
Console.WriteLine($"zero-shot: {baseline.Score}%");

var compiled = await new BootstrapFewShot(metric).CompileAsync(program, trainset, context);
var optimized = await evaluator.EvaluateAsync(compiled, context, devset, metric);
Console.WriteLine($"bootstrapped ({compiled.Demos.Count} demos): {optimized.Score}%");

var path = Path.Combine(Path.GetTempPath(), "declarative-filebased", "arithmetic.json");
await compiled.SaveAsync(path);
var loaded = new Predict("question -> answer");
await loaded.LoadAsync(path);
var reloaded = await evaluator.EvaluateAsync(loaded, context, devset, metric);
Console.WriteLine($"reloaded from {path}: {reloaded.Score}%");
return reloaded.Score == optimized.Score ? 0 : 1;
