using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Hosting;

/// <summary>Checks <see cref="SiloLoggingOptions"/> and names a failing field with its value.</summary>
internal sealed class SiloLoggingOptionsValidator : IValidateOptions<SiloLoggingOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloLoggingOptions options) =>
        Enum.IsDefined(options.Format)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{SiloLoggingOptions.Section}:Format '{options.Format}' must be text or json");
}
