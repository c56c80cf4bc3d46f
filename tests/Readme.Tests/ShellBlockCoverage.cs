using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Readme.Tests;

/// <summary>
/// How one shell block of the documents is accounted for: run by a test of this project, or excluded with the
/// reason and what covers it instead.
/// </summary>
/// <param name="Document">The document's path from the repository root.</param>
/// <param name="Heading">The heading the block sits under.</param>
/// <param name="Ordinal">Which shell block under that heading (1-based).</param>
internal sealed record ShellBlockCoverage(string Document, string Heading, int Ordinal)
{
    /// <summary>The test method of this project that runs the block; null for an excluded block.</summary>
    public string? RunBy { get; init; }

    /// <summary>Why the block is not run here and which test or harness covers it; null for a block that is run.</summary>
    public string? ExcludedBecause { get; init; }

    /// <summary>
    /// The <see cref="FingerprintOf"/> of an excluded block's text, so that a change to it fails the coverage test
    /// until someone checks that what covers it still does.
    /// </summary>
    public string? Fingerprint { get; init; }

    /// <summary>True when this entry is about <paramref name="block"/>.</summary>
    public bool Describes(ShellBlock block) =>
        block.Document == Document && block.Heading == Heading && block.Ordinal == Ordinal;

    /// <summary>The first 12 hex digits of the SHA-256 of a block's text.</summary>
    public static string FingerprintOf(ShellBlock block) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(block.Text)))[..12];

    /// <inheritdoc />
    public override string ToString() => $"{Document} \"{Heading}\" block {Ordinal}";
}
