using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Output;

/// <summary>How a client's stored bytes and quota are shown.</summary>
internal static class StorageView
{
    public static void Show(VerbRun run, ClientStorage storage)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, storage);
            return;
        }

        run.Environment.Console.Write(Text.Grid(
            ("client", storage.ClientId),
            ("stored", $"{Text.Number(storage.StoredBytes)} bytes ({Text.Bytes(storage.StoredBytes)})"),
            ("uploads", $"{Text.Number(storage.UploadBytes)} bytes held by uploads under way or not yet collected"),
            ("quota", storage.MaxStoredBytes == 0 ? "none" : $"{Text.Number(storage.MaxStoredBytes)} bytes ({Text.Bytes(storage.MaxStoredBytes)})"),
            ("blobs", $"{Text.Number(storage.BlobCount)} of {Text.Number(storage.MaxBlobs)}")));
    }
}
