namespace Marketplace.GrainInterfaces;

/// <summary>
/// One deployed program, keyed by its id (<c>prog</c> + 64 hex of SHA-256(wasm ‖ salt)). Deploy checks the module
/// (validates, exports <c>memory</c> and the entrypoint with a supported signature, imports only allowed host
/// functions), the manifest (limits within the silo's maxima, blob refs the deploying client may read) and the
/// deployer's signature, then adds its name to the <see cref="IProgramCatalogGrain"/> and records it with the name's
/// <see cref="IProgramNameGrain"/> (which refuses a deployer that is neither the name's owner nor a delegate).
/// </summary>
public interface IProgramGrain : IGrainWithStringKey
{
    /// <summary>Deploys. Deploying the same module, salt and manifest again returns the existing info; anything else
    /// under an existing id, or any failed check, throws <see cref="ProgramRejectedException"/> naming the check.</summary>
    /// <param name="deployment">The signed module and manifest.</param>
    /// <param name="client">Who deploys (the API key's client over HTTP): every blob the manifest's
    /// <see cref="ProgramManifest.BlobRefs"/> name must be readable by it, else the deploy is rejected as if the blob
    /// were not stored. Runs read the refs with the silo's authority afterwards.</param>
    [ClientCallable(ClientCallScope.Argument, Index = 1)]
    Task<ProgramInfo> DeployAsync(ProgramDeployment deployment, BlobCaller client);

    /// <summary>The program's info, or null when nothing is deployed under this id.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<ProgramInfo?> GetInfoAsync();

    /// <summary>The wasm module bytes. Throws <see cref="ProgramNotFoundException"/>.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<byte[]> GetModuleAsync();
}
