using Declarative.Decoding;
using Xunit;

namespace Declarative.Decoding.Tests;

public sealed class ByteSetTests
{
    [Fact]
    public void Contains_AnswersForEveryByteInEveryWord()
    {
        // One set per byte, and sets with bytes at the edges of the four 64-bit words: every member is found and no other.
        int[][] members = [[0], [63], [64], [127], [128], [191], [192], [255], [0, 64, 128, 192], [63, 127, 191, 255], [7, 77, 177, 254]];
        foreach (var bytes in members)
        {
            var set = ByteSet.None;
            foreach (var b in bytes)
            {
                set = set.With((byte)b);
            }

            for (var value = 0; value < 256; value++)
            {
                Assert.Equal(bytes.Contains(value), set.Contains((byte)value));
            }

            Assert.Equal(bytes.Length, set.Count);
            Assert.Equal(bytes, set.Bytes().Select(b => (int)b));
        }

        Assert.All(Enumerable.Range(0, 256), value => Assert.True(ByteSet.All.Contains((byte)value)));
        Assert.True(ByteSet.Range(60, 70).IsSupersetOf(ByteSet.Of(64)));
        Assert.False(ByteSet.Range(60, 70).IsSupersetOf(ByteSet.Of(71)));
    }
}
