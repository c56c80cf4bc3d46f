// The Marketplace silo on embedded defaults: SQLite grain storage and reminders under ./data, one local silo, the
// grain gateway on 127.0.0.1:30000 and the HTTP API on http://127.0.0.1:8080/v1. Override anything through
// appsettings.json, environment (Marketplace__Silo__ServiceId=...) or the command line
// (--Marketplace:Http:Urls=http://0.0.0.0:8080); `--config <file>` adds a JSON file and `--chain <rpc-url>` settles on
// an EVM chain; see silo/README.md. `--apply-schema` applies the PostgreSQL cluster schema and exits; `--restore
// <backup.db>` puts a database backup back into the data folder and exits. A configured port already in use ends the
// start with one line naming its setting (exit code 2); chain settings naming contracts the chain lacks end it with
// one message naming the fix (exit code 3). A setting that fails its checks (OptionsValidationException, whether found
// while the host is built or when it starts) ends the start with one line per failing key, no stack trace (exit 2).
using Marketplace.Grains.Settlement;
using Marketplace.Silo;
using Marketplace.Silo.Hosting;
using Microsoft.Extensions.Options;

if (ApplySchemaCommand.IsRequested(args))
{
    return await ApplySchemaCommand.RunAsync(args, Console.Out, Console.Error);
}

if (RestoreCommand.IsRequested(args))
{
    return await RestoreCommand.RunAsync(args, Console.Out, Console.Error);
}

WebApplicationBuilder builder;
try
{
    builder = MarketplaceSiloHost.CreateBuilder(args);
}
catch (SiloSwitchException wrong)
{
    await Console.Error.WriteLineAsync(wrong.Message);
    return 2;
}

WebApplication app;
try
{
    app = MarketplaceSiloHost.Build(builder);
    // The checks the host would run when it starts (ValidateOnStart), run first: a refused setting is then reported
    // below and not also logged by the host as a failed start with its stack trace.
    app.Services.GetService<IStartupValidator>()?.Validate();
}
catch (Exception e) when (Innermost<OptionsValidationException>(e) is { } invalid)
{
    await ReportAsync(invalid);
    return 2;
}

if (BusyPorts.Describe(app) is { } busy)
{
    // One line naming the setting to change, not a hosting stack trace.
    await Console.Error.WriteLineAsync(busy);
    await app.DisposeAsync();
    return 2;
}

try
{
    await app.RunAsync();
}
catch (Exception e) when (Innermost<ChainDeploymentMissingException>(e) is { } missing)
{
    // The chain settings name contracts the chain does not have: one message naming the fix, not a stack trace.
    await Console.Error.WriteLineAsync(missing.Message);
    return 3;
}
catch (Exception e) when (Innermost<OptionsValidationException>(e) is { } invalid)
{
    await ReportAsync(invalid);
    return 2;
}

return 0;

static T? Innermost<T>(Exception? e)
    where T : Exception
{
    for (; e is not null; e = e.InnerException)
    {
        if (e is T found)
        {
            return found;
        }
    }

    return null;
}

// Each failure already names its key and value ("Marketplace:Cluster:Address '0.0.0.0' must ...").
static async Task ReportAsync(OptionsValidationException invalid)
{
    foreach (var failure in invalid.Failures)
    {
        await Console.Error.WriteLineAsync("Marketplace silo: setting refused: " + failure);
    }
}
