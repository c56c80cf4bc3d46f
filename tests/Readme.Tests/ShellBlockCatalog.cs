namespace Marketplace.Readme.Tests;

/// <summary>
/// Every shell block of the documents a user pastes from, and how each is accounted for.
/// </summary>
/// <remarks>
/// <see cref="ShellBlockCoverageTests"/> fails when a block of <see cref="Documents"/> has no entry here, when an
/// entry names a block that is gone, and when an excluded block's text changed: a new or edited block cannot escape
/// unnoticed. Keep the exclusions few; each says why the block cannot run in a copy of the repository and what
/// runs it (or its steps) instead.
/// </remarks>
internal static class ShellBlockCatalog
{
    /// <summary>The documents whose shell blocks are accounted for.</summary>
    public static readonly IReadOnlyList<string> Documents = ["README.md", "docs/operators.md"];

    /// <summary>One entry per shell block of <see cref="Documents"/>.</summary>
    public static readonly IReadOnlyList<ShellBlockCoverage> Entries =
    [
        Run("README.md", "Quick start", 1, nameof(ReadmeBlockTests.The_quick_start_starts_a_silo_that_becomes_ready_and_prints_its_key)),
        Excluded("README.md", "Quick start", 2, "51bc15bfddcd",
            "runs every test, this project included; .ci/run runs exactly this command"),
        Run("README.md", "Quick start", 3,
            nameof(ReadmeBlockTests.The_chain_quick_start_deploys_the_contracts_on_anvil_and_starts_a_silo_settling_there)),
        Excluded("README.md", "Operators", 1, "28165ece5c01",
            "needs Docker and builds every image: .ci/run runs this block as written (outside dotnet test, before it), and "
            + "tests/Compose.Tests starts the compose file's services as local processes"),
        Run("README.md", "Walk-through (paste at the repository root; needs only the .NET SDK and curl)", 1,
            nameof(ReadmeBlockTests.The_walk_through_and_the_blocks_that_go_on_in_its_shell_print_what_they_say)),
        Run("README.md", "How trust works", 1, nameof(ReadmeBlockTests.The_walk_through_and_the_blocks_that_go_on_in_its_shell_print_what_they_say)),
        Run("README.md", "Receipts", 1, nameof(ReadmeBlockTests.The_walk_through_and_the_blocks_that_go_on_in_its_shell_print_what_they_say)),
        Run("README.md", "Replaying a receipt", 1, nameof(ReadmeBlockTests.The_walk_through_and_the_blocks_that_go_on_in_its_shell_print_what_they_say)),
        Run("README.md", "Paying for jobs", 1, nameof(ReadmeBlockTests.Paying_for_jobs_funds_a_client_and_bonds_a_worker_as_it_says)),
        Run("README.md", "How trust works", 2, nameof(ReadmeBlockTests.The_walk_through_and_the_blocks_that_go_on_in_its_shell_print_what_they_say)),
        Run("README.md", "How trust works", 3, nameof(ReadmeBlockTests.The_walk_through_and_the_blocks_that_go_on_in_its_shell_print_what_they_say)),
        Run("docs/operators.md", "One silo", 1, nameof(ReadmeBlockTests.The_operator_guide_starts_one_silo_that_becomes_ready_and_prints_its_key)),
        Excluded("docs/operators.md", "A cluster on PostgreSQL, by hand", 1, "5e3892841894",
            "the operator's own database host and password; tests/Compose.Tests runs the compose file's schema service "
            + "(--apply-schema) as a local process"),
        Excluded("docs/operators.md", "A cluster on PostgreSQL, by hand", 2, "b08395072ae8",
            "the operator's own hosts, addresses and keys; tests/Cluster.Tests starts silo processes in PostgreSQL mode "
            + "with these settings and kills them"),
        Excluded("docs/operators.md", "Backup and restore of a cluster", 1, "911c54408f8c",
            "the operator's own database host and role; tests/Cluster.Tests/Operations/ClusterBackupTests runs these "
            + "three commands against a running test cluster's database and starts a silo on the restored one"),
        Excluded("docs/operators.md", "Gateway services", 1, "d84151c5afaa",
            "settings to add to every silo's command, not a command; tests/Api.Tests/Configuration and tests/Api.Tests/Sdk "
            + "start silos with gateway services configured this way"),
        Excluded("docs/operators.md", "The same with docker-compose", 1, "fd1c3385d4fb",
            "needs Docker: .ci/run runs this block as written (outside dotnet test, after the README's Operators block "
            + "built the images) and checks what it says it prints"),
        Excluded("docs/operators.md", "The same with docker-compose", 2, "325a7142aa7d",
            "needs Docker and the cluster of block 1: .ci/run runs it as written in the same shell and checks what it "
            + "says it prints; tests/Compose.Tests/ComposeClusterTests also runs a paid job and places a default deal "
            + "on the compose file's services, started as local processes"),
    ];

    /// <summary>The blocks of <see cref="Documents"/>, read from <paramref name="repositoryRoot"/>.</summary>
    public static IReadOnlyList<ShellBlock> Blocks(string repositoryRoot) =>
        [.. Documents.SelectMany(d => MarkdownShellBlocks.Read(repositoryRoot, d))];

    /// <summary>
    /// The blocks the test named <paramref name="test"/> runs, read from <paramref name="repositoryRoot"/>, in the
    /// order of <see cref="Entries"/>: the first is the one that starts the silo, the others go on in its shell.
    /// </summary>
    public static IReadOnlyList<ShellBlock> BlocksRunBy(string test, string repositoryRoot)
    {
        var blocks = Blocks(repositoryRoot);
        return [.. Entries.Where(e => e.RunBy == test).Select(e => blocks.SingleOrDefault(e.Describes)
            ?? throw new InvalidOperationException($"{e} (run by {test}) is not in the documents any more."))];
    }

    private static ShellBlockCoverage Run(string document, string heading, int ordinal, string test) =>
        new(document, heading, ordinal) { RunBy = test };

    private static ShellBlockCoverage Excluded(string document, string heading, int ordinal, string fingerprint, string because) =>
        new(document, heading, ordinal) { ExcludedBecause = because, Fingerprint = fingerprint };
}
