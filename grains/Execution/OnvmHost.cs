using Marketplace.Wasm;

namespace Marketplace.Grains.Execution;

/// <summary>Defines the ONVM host functions (module <c>env</c>, see <see cref="OnvmImports"/>) on a linker. Each one
/// finds its run through <see cref="OnvmRunState.Current"/> and turns any unexpected .NET exception into a trap, so
/// nothing but a <see cref="WasmTrap"/> ever reaches the engine.</summary>
internal static class OnvmHost
{
    /// <summary>A linker of <paramref name="engine"/> with every host function defined.</summary>
    public static Linker CreateLinker(Engine engine)
    {
        var linker = new Linker(engine);
        const string env = OnvmImports.Module;
        linker.DefineFunction(env, "onvm_blob_read", (int a, int b, int c, int d) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.BlobRead(a, b, c, d);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_blob_read", e);
            }
        });
        linker.DefineFunction(env, "onvm_blob_exists", (int a, int b) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.BlobExists(a, b);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_blob_exists", e);
            }
        });
        linker.DefineFunction(env, "onvm_blob_len", (int a, int b) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.BlobLen(a, b);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_blob_len", e);
            }
        });
        linker.DefineFunction(env, "onvm_blob_hash", (int a, int b, int c) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.BlobHash(a, b, c);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_blob_hash", e);
            }
        });
        linker.DefineFunction(env, "onvm_state_get", (int a, int b, int c, int d) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.StateGet(a, b, c, d);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_state_get", e);
            }
        });
        linker.DefineFunction(env, "onvm_state_put", (int a, int b, int c, int d) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.StatePut(a, b, c, d);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_state_put", e);
            }
        });
        linker.DefineFunction(env, "onvm_state_del", (int a, int b) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.StateDel(a, b);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_state_del", e);
            }
        });
        linker.DefineFunction(env, "onvm_state_exists", (int a, int b) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.StateExists(a, b);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_state_exists", e);
            }
        });
        linker.DefineFunction(env, "onvm_state_len", (int a, int b) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.StateLen(a, b);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_state_len", e);
            }
        });
        linker.DefineFunction(env, "onvm_state_list", (int a, int b, int c, int d) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.StateList(a, b, c, d);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_state_list", e);
            }
        });
        linker.DefineFunction(env, "onvm_state_root", (int a) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.StateRoot(a);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_state_root", e);
            }
        });
        linker.DefineFunction(env, "onvm_log", (int a, int b, int c) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.Log(a, b, c);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_log", e);
            }
        });
        linker.DefineFunction(env, "onvm_crypto_hash", (int a, int b, int c, int d, int e) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.CryptoHash(a, b, c, d, e);
            }
            catch (Exception x) when (x is not WasmTrap)
            {
                throw s.Fail("onvm_crypto_hash", x);
            }
        });
        linker.DefineFunction(env, "onvm_crypto_secp256k1_verify", (int a, int b, int c) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.Secp256k1Verify(a, b, c);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_crypto_secp256k1_verify", e);
            }
        });
        linker.DefineFunction(env, "onvm_crypto_secp256k1_recover", (int a, int b, int c) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.Secp256k1Recover(a, b, c);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_crypto_secp256k1_recover", e);
            }
        });
        linker.DefineFunction(env, "onvm_now_ms", () =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.NowMs();
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_now_ms", e);
            }
        });
        linker.DefineFunction(env, "onvm_random_bytes", (int a, int b) =>
        {
            var s = OnvmRunState.Current;
            try
            {
                return s.RandomBytes(a, b);
            }
            catch (Exception e) when (e is not WasmTrap)
            {
                throw s.Fail("onvm_random_bytes", e);
            }
        });
        return linker;
    }
}
