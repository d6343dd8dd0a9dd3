namespace Declarative.Retrieval;

/// <summary>The k best (row, score) pairs seen so far, in a min-heap; ties keep the lower row.</summary>
internal sealed class TopK
{
    private readonly PriorityQueue<int, (float Score, int Row)> heap;
    private readonly int k;

    public TopK(int k)
    {
        this.k = k;
        heap = new PriorityQueue<int, (float, int)>(Math.Min(k, 1024) + 1, Comparer<(float Score, int Row)>.Create(
            static (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Row.CompareTo(a.Row)));
    }

    public int Count => heap.Count;

    public float Worst => heap.TryPeek(out _, out var p) ? p.Score : float.NegativeInfinity;

    public void Offer(int row, float score)
    {
        if (heap.Count < k)
        {
            heap.Enqueue(row, (score, row));
        }
        else if (heap.TryPeek(out _, out var worst) && (score > worst.Score || (score == worst.Score && row < worst.Row)))
        {
            heap.DequeueEnqueue(row, (score, row));
        }
    }

    public void Merge(TopK other)
    {
        foreach (var (row, priority) in other.heap.UnorderedItems)
        {
            Offer(row, priority.Score);
        }
    }

    public (int Row, float Score)[] SortedRows()
    {
        var items = heap.UnorderedItems.Select(i => (i.Element, i.Priority.Score)).ToArray();
        Array.Sort(items, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Element.CompareTo(b.Element));
        return items;
    }

    public IReadOnlyList<VectorHit> Sorted(VectorStorage storage) =>
        SortedRows().Select(i => new VectorHit(storage.Id(i.Row), i.Score, storage.Metadata(i.Row))).ToArray();
}
