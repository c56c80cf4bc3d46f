// The Marketplace silo on embedded defaults: SQLite grain storage and reminders under ./data, one local silo.
// Override anything through appsettings.json, environment (Marketplace__Silo__ServiceId=...) or the command line
// (--Marketplace:Messaging:ResponseTimeout=00:00:10).
using Marketplace.Grains.Hosting;
using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Streams;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
var dataFolder = builder.Configuration["Marketplace:DataFolder"] ?? Path.Combine(Environment.CurrentDirectory, "data");
Directory.CreateDirectory(dataFolder);
builder.Configuration["Marketplace:DataFolder"] = dataFolder;
var connection = $"Data Source={Path.Combine(dataFolder, "marketplace.db")}";
var serviceId = builder.Configuration["Marketplace:Silo:ServiceId"] ?? SiloOptions.DEFAULT_SERVICE_ID;

builder.UseMarketplaceSilo(silo =>
{
    // Clients (sdk/) connect here: 127.0.0.1:30000 unless Marketplace:Gateway says otherwise.
    silo.UseGateway();
    // In-memory streams named "Default"; subscriptions persist in the Default (SQLite) storage.
    silo.AddMemoryStreams("Default");
    silo.Services.AddAdoNetGrainStorage(GrainStorageServiceCollectionExtensions.DefaultStorageName, o =>
    {
        o.ConnectionString = connection;
        o.ServiceId = serviceId;
    });
    silo.Services.AddAdoNetReminderTable(o =>
    {
        o.ConnectionString = connection;
        o.ServiceId = serviceId;
    });
    // Blobs, programs, workers and jobs (options under Marketplace:Blobs, :Programs, :Jobs, :Workers).
    silo.AddMarketplace();
});

await builder.Build().RunAsync();
return 0;
