// The best pair of figures (both higher-is-better) each store reached over the rounds, printed with ratios to the
// baseline store's.
using System.Globalization;

internal sealed class BestOfRounds(string baseline)
{
    private readonly Dictionary<string, (double First, double Second)> _best = new(StringComparer.Ordinal);

    public void Keep(string store, double first, double second) =>
        _best[store] = _best.TryGetValue(store, out var b) ? (Math.Max(b.First, first), Math.Max(b.Second, second)) : (first, second);

    /// <summary>One line per store in <paramref name="stores"/>: its two figures, their ratios to the baseline's, and
    /// what <paramref name="extra"/> adds for it (if anything).</summary>
    public void Print(string[] columns, IEnumerable<string> stores, Func<string, string>? extra = null)
    {
        Console.WriteLine(string.Join(' ', columns.Select((c, i) => i == 0 ? $"{c,-12}" : $"{c,15}")));
        var (baseFirst, baseSecond) = _best[baseline];
        foreach (var store in stores)
        {
            var (first, second) = _best[store];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{store,-12} {first,15:0.0} {second,15:0.0} {first / baseFirst,15:0.00} {second / baseSecond,15:0.00}{extra?.Invoke(store)}"));
        }
    }
}
