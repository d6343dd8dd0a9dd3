using Declarative.Optimizers;

namespace Declarative.Cli;

/// <summary>The score-by-trial plot of an <c>optimize</c> run: each candidate's score and the best so far, as a PNG drawn by ScottPlot.</summary>
internal static class ScorePlot
{
    /// <summary>Writes <c>PATH.png</c>.</summary>
    public static void Write(string pathWithoutExtension, IReadOnlyList<OptimizationCandidate> candidates)
    {
        var plot = new ScottPlot.Plot();
        var xs = candidates.Select((_, i) => (double)i).ToArray();
        var scores = candidates.Select(c => c.Score).ToArray();
        var best = new double[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            best[i] = i == 0 ? scores[i] : Math.Max(best[i - 1], scores[i]);
        }

        if (xs.Length > 0)
        {
            var points = plot.Add.Scatter(xs, scores);
            points.LegendText = "candidate";
            points.LineWidth = 0;
            var line = plot.Add.Scatter(xs, best);
            line.LegendText = "best so far";
            line.MarkerSize = 0;
        }

        plot.Title("Score by trial");
        plot.XLabel("trial (candidate)");
        plot.YLabel("score (%)");
        plot.Axes.SetLimitsY(Math.Min(0, scores.DefaultIfEmpty(0).Min()), Math.Max(100, scores.DefaultIfEmpty(0).Max())); // percent; a metric may score outside 0–1
        plot.ShowLegend();
        plot.SavePng(pathWithoutExtension + ".png", 800, 500);
    }
}
