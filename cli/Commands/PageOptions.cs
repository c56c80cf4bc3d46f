using System.CommandLine;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary>
/// The paging options of a list verb: <c>--limit N</c> (entries per page, 1-1000), <c>--cursor C</c> (the page after
/// the one that printed C) and <c>--all</c> (every page from the cursor on, fetched 1000 at a time unless
/// <c>--limit</c> says otherwise).
/// </summary>
internal sealed class PageOptions
{
    private readonly bool _allByDefault;

    /// <summary>The options of a verb listing <paramref name="what"/>.</summary>
    /// <param name="what">The entries, for the help text (e.g. "programs").</param>
    /// <param name="allByDefault">Without <c>--limit</c> or <c>--cursor</c>, print every page (a job's log).</param>
    public PageOptions(string what, bool allByDefault = false)
    {
        _allByDefault = allByDefault;
        Limit = new Option<int?>("--limit", "-n") { Description = $"At most this many {what} per page (1-{PageLimits.Max}, default {PageLimits.Default})." };
        Cursor = new Option<string?>("--cursor") { Description = "Continue after the page that printed this cursor." };
        All = new Option<bool>("--all") { Description = allByDefault ? "Every page (the default unless --limit or --cursor is given)." : "Every page, not only the first." };
    }

    public Option<int?> Limit { get; }

    public Option<string?> Cursor { get; }

    public Option<bool> All { get; }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Limit);
        command.Options.Add(Cursor);
        command.Options.Add(All);
    }

    /// <summary>The verb's paging request; throws a usage error for a limit out of range or an empty cursor.</summary>
    public PageRequest Resolve(VerbRun run)
    {
        var limit = run.Get(Limit);
        if (limit is { } n && n is < 1 or > PageLimits.Max)
        {
            throw CliException.Usage($"--limit: {n} is outside 1..{PageLimits.Max}.");
        }

        var cursor = run.Get(Cursor);
        if (cursor is { Length: 0 })
        {
            throw CliException.Usage("--cursor: empty; leave it out for the first page.");
        }

        var all = run.Get(All) || (_allByDefault && limit is null && cursor is null);
        return new PageRequest(cursor, limit ?? (all ? PageLimits.Max : PageLimits.Default), all);
    }
}

/// <summary>What a list verb fetches: one page at <see cref="Cursor"/>, or with <see cref="All"/> every page from it.</summary>
internal readonly record struct PageRequest(string? Cursor, int Limit, bool All)
{
    /// <summary>Fetches the page (or all pages) with <paramref name="read"/>(cursor, limit, token).</summary>
    public async Task<Page<T>> ReadAsync<T>(Func<string?, int, CancellationToken, Task<Page<T>>> read, CancellationToken cancellationToken)
    {
        var page = await read(Cursor, Limit, cancellationToken).ConfigureAwait(false);
        if (!All)
        {
            return page;
        }

        var items = page.Items;
        while (page.NextCursor is { } next)
        {
            page = await read(next, Limit, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items);
        }

        return new Page<T> { Items = items };
    }
}
