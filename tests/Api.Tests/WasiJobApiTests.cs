using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Api.Tests.Cli;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>A WASI preview 1 program over HTTP and the CLI: deployed without any flag (the ABI comes from its
/// imports), given <c>args</c> and <c>env</c>, its stdout read as the job output.</summary>
[Collection(ApiCollection.Name)]
public sealed class WasiJobApiTests(ApiSiloFixture fixture) : IDisposable
{
    /// <summary>Writes argv[1..] then environ to stdout, each string followed by a newline instead of its NUL.</summary>
    private const string PrintArgsAndEnv = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          ;; Writes [from, to) to stdout with every NUL turned into a newline.
          (func $print (param $from i32) (param $to i32)
            (local $at i32)
            (local.set $at (local.get $from))
            (block $done
              (loop $next
                (br_if $done (i32.ge_u (local.get $at) (local.get $to)))
                (if (i32.eqz (i32.load8_u (local.get $at))) (then (i32.store8 (local.get $at) (i32.const 10))))
                (local.set $at (i32.add (local.get $at) (i32.const 1)))
                (br $next)))
            (i32.store (i32.const 0) (local.get $from))
            (i32.store (i32.const 4) (i32.sub (local.get $to) (local.get $from)))
            (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
          (func (export "_start")
            (local $first i32)
            (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
            (drop (call $args_get (i32.const 1024) (i32.const 8192)))
            ;; argv[1] starts where argv[0] points plus its length; print from there to the end of the block.
            (local.set $first (i32.load (i32.const 1028)))
            (if (i32.le_u (i32.load (i32.const 16)) (i32.const 1))
              (then (local.set $first (i32.add (i32.const 8192) (i32.load (i32.const 20))))))
            (call $print (local.get $first) (i32.add (i32.const 8192) (i32.load (i32.const 20))))
            (drop (call $environ_sizes_get (i32.const 24) (i32.const 28)))
            (drop (call $environ_get (i32.const 4096) (i32.const 32768)))
            (call $print (i32.const 32768) (i32.add (i32.const 32768) (i32.load (i32.const 28))))))
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-wasi-").FullName;
    private readonly string _name = "wasi-args-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_wasi_job_gets_args_and_env_from_the_json_body_and_its_stdout_is_the_output()
    {
        using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var deployed = await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(_name, wasm: Wasm()));
        Assert.True(deployed.StatusCode == HttpStatusCode.Created, await deployed.Content.ReadAsStringAsync());
        using var program = JsonDocument.Parse(await deployed.Content.ReadAsStringAsync());
        Assert.Equal("wasi", program.RootElement.GetProperty("abi").GetString());

        var body = "{\"program\": \"" + _name + "@1.0.0\", \"args\": [\"alpha\", \"two words\"], \"env\": {\"MODE\": \"fast\", \"LANG\": \"C\"}}";
        using var submitted = await http.PostAsync("v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var job = (await submitted.Content.ReadFromJsonAsync<JobInfo>(MarketplaceJson.Options))!;
        job = await JobApiTests.WaitAsync(http, job.JobId);
        Assert.True(job.Status == JobStatus.Completed, job.ErrorMessage);
        Assert.Equal("alpha\ntwo words\nLANG=C\nMODE=fast\n", await http.GetStringAsync($"v1/jobs/{job.JobId}/output"));
    }

    [Theory]
    [InlineData("\"args\": [\"ok\", \"bad\\u0000\"]", "invalid_request", "args[1]: must be a string without NUL")]
    [InlineData("\"env\": {\"A=B\": \"1\"}", "invalid_request", "env: key 'A=B' must be non-empty without '='")]
    [InlineData("\"env\": {\"K\": \"v\\u0000\"}", "invalid_request", "env[K]: the value must be a string without NUL")]
    [InlineData("\"args\": [1]", "invalid_json", "$.args[0]: expected a string")]
    [InlineData("\"env\": {\"K\": 5}", "invalid_json", "$.env.K: expected a string")]
    public async Task Bad_args_or_env_are_400_problems_naming_the_field(string member, string code, string detail)
    {
        using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        var body = "{\"program\": \"anything@1.0.0\", " + member + "}";
        var problem = await ProblemAssert.IsProblemAsync(
            await http.PostAsync("v1/jobs", new StringContent(body, Encoding.UTF8, "application/json")), 400, code);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_deploys_without_a_flag_and_submit_job_passes_arg_and_env()
    {
        var cli = new CliRunner().With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
        var key = Path.Combine(_folder, "deployer.json");
        Assert.Equal(0, (await cli.RunAsync("keygen", "--out", key)).ExitCode);
        var wasm = Path.Combine(_folder, "print.wasm");
        await File.WriteAllBytesAsync(wasm, Wasm());
        var name = _name + "-cli";
        var deploy = await cli.RunAsync("deploy", "--file", wasm, "--name", name, "--version", "1.0.0", "--key", key);
        Assert.True(deploy.ExitCode == 0, deploy.ToString());

        var programs = await cli.RunAsync("programs", "--program", name);
        Assert.True(programs.ExitCode == 0, programs.ToString());
        Assert.Matches(@"abi\s+wasi", programs.Output);

        var submit = await cli.RunAsync(
            "submit-job", "--program", name, "--arg", "first", "--arg=-x", "--env", "K=V=W", "--env", "EMPTY=", "--wait", "--wait-timeout", "60s", "--json");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        using var job = JsonDocument.Parse(submit.Output);
        var output = await cli.RunAsync("job-output", "--id", job.RootElement.GetProperty("job_id").GetString()!);
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Equal("first\n-x\nEMPTY=\nK=V=W\n", output.StandardOutputText);

        var refused = await cli.RunAsync("submit-job", "--program", name, "--env", "NOEQUALS");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--env", refused.ErrorLine, StringComparison.Ordinal);
    }

    private static byte[] Wasm() => Wasmtime.Module.ConvertText(PrintArgsAndEnv);
}
