// The Marketplace silo on embedded defaults: SQLite grain storage and reminders under ./data, one local silo, the
// grain gateway on 127.0.0.1:30000 and the HTTP API on http://127.0.0.1:8080/v1. Override anything through
// appsettings.json, environment (Marketplace__Silo__ServiceId=...) or the command line
// (--Marketplace:Http:Urls=http://0.0.0.0:8080); `--config <file>` adds a JSON file and `--chain <rpc-url>` settles on
// an EVM chain; see silo/README.md. `--apply-schema` applies the PostgreSQL cluster schema and exits; `--restore
// <backup.db>` puts a database backup back into the data folder and exits. A configured port already in use ends the
// start with one line naming its setting (exit code 2); chain settings naming contracts the chain lacks end it with
// one message naming the fix (exit code 3).
using Marketplace.Grains.Settlement;
using Marketplace.Silo;
using Marketplace.Silo.Hosting;

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

var app = MarketplaceSiloHost.Build(builder);
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
catch (Exception e) when (ChainDeploymentMissing(e) is { } missing)
{
    // The chain settings name contracts the chain does not have: one message naming the fix, not a stack trace.
    await Console.Error.WriteLineAsync(missing.Message);
    return 3;
}

return 0;

static ChainDeploymentMissingException? ChainDeploymentMissing(Exception? e)
{
    for (; e is not null; e = e.InnerException)
    {
        if (e is ChainDeploymentMissingException missing)
        {
            return missing;
        }
    }

    return null;
}
