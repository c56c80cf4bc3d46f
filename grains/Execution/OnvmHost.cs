// Design note: each host function takes the Caller Wasmtime passes (its store data is the run's OnvmRunState) and
// lets nothing but a HostTrapException leave it: the program's own faults are answered with ABI error codes or a
// HostTrapException, and any other exception (a bug in the host) is recorded on the run, logged by the runner and
// turned into a HostTrapException here, so the binding never meets an exception we did not mean to raise.

using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>Defines the ONVM host functions (module <c>env</c>, see <see cref="OnvmImports"/>) on a linker.</summary>
internal static class OnvmHost
{
    /// <summary>A linker of <paramref name="engine"/> with every host function defined.</summary>
    public static Linker CreateLinker(Engine engine)
    {
        var linker = new Linker(engine);
        const string env = OnvmImports.Module;
        linker.DefineFunction(env, "onvm_blob_read", (Caller caller, int a, int b, int c, int d) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.BlobRead(caller, a, b, c, d);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_blob_read", x);
            }
        });
        linker.DefineFunction(env, "onvm_blob_exists", (Caller caller, int a, int b) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.BlobExists(caller, a, b);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_blob_exists", x);
            }
        });
        linker.DefineFunction(env, "onvm_blob_len", (Caller caller, int a, int b) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.BlobLen(caller, a, b);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_blob_len", x);
            }
        });
        linker.DefineFunction(env, "onvm_blob_hash", (Caller caller, int a, int b, int c) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.BlobHash(caller, a, b, c);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_blob_hash", x);
            }
        });
        linker.DefineFunction(env, "onvm_state_get", (Caller caller, int a, int b, int c, int d) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.StateGet(caller, a, b, c, d);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_state_get", x);
            }
        });
        linker.DefineFunction(env, "onvm_state_put", (Caller caller, int a, int b, int c, int d) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.StatePut(caller, a, b, c, d);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_state_put", x);
            }
        });
        linker.DefineFunction(env, "onvm_state_del", (Caller caller, int a, int b) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.StateDel(caller, a, b);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_state_del", x);
            }
        });
        linker.DefineFunction(env, "onvm_state_exists", (Caller caller, int a, int b) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.StateExists(caller, a, b);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_state_exists", x);
            }
        });
        linker.DefineFunction(env, "onvm_state_len", (Caller caller, int a, int b) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.StateLen(caller, a, b);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_state_len", x);
            }
        });
        linker.DefineFunction(env, "onvm_state_list", (Caller caller, int a, int b, int c, int d) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.StateList(caller, a, b, c, d);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_state_list", x);
            }
        });
        linker.DefineFunction(env, "onvm_state_root", (Caller caller, int a) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.StateRoot(caller, a);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_state_root", x);
            }
        });
        linker.DefineFunction(env, "onvm_log", (Caller caller, int a, int b, int c) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.Log(caller, a, b, c);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_log", x);
            }
        });
        linker.DefineFunction(env, "onvm_crypto_hash", (Caller caller, int a, int b, int c, int d, int e) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.CryptoHash(caller, a, b, c, d, e);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_crypto_hash", x);
            }
        });
        linker.DefineFunction(env, "onvm_crypto_secp256k1_verify", (Caller caller, int a, int b, int c) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.Secp256k1Verify(caller, a, b, c);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_crypto_secp256k1_verify", x);
            }
        });
        linker.DefineFunction(env, "onvm_crypto_secp256k1_recover", (Caller caller, int a, int b, int c) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.Secp256k1Recover(caller, a, b, c);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_crypto_secp256k1_recover", x);
            }
        });
        linker.DefineFunction(env, "onvm_now_ms", (Caller caller) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.NowMs(caller);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_now_ms", x);
            }
        });
        linker.DefineFunction(env, "onvm_random_bytes", (Caller caller, int a, int b) =>
        {
            var run = OnvmRunState.From(caller);
            try
            {
                return run.RandomBytes(caller, a, b);
            }
            catch (Exception x) when (x is not HostTrapException)
            {
                throw run.Fail("onvm_random_bytes", x);
            }
        });
        return linker;
    }
}
