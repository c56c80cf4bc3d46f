using System.Text;

namespace Marketplace.Runtime.CodeGenerator
{
    /// <summary>The same stable hash as Marketplace.Runtime.StableHash (FNV-1a over UTF-8, murmur3 finaliser).</summary>
    internal static class StableHash
    {
        public static uint Of(string text)
        {
            uint h = 2166136261;
            foreach (var b in Encoding.UTF8.GetBytes(text))
            {
                h = (h ^ b) * 16777619;
            }

            h ^= h >> 16;
            h *= 0x85EBCA6B;
            h ^= h >> 13;
            h *= 0xC2B2AE35;
            h ^= h >> 16;
            return h;
        }
    }
}
