using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Hosting;

/// <summary>Checks <see cref="SiloHostOptions"/> and names a failing field with its value.</summary>
internal sealed class SiloHostOptionsValidator : IValidateOptions<SiloHostOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloHostOptions options)
    {
        if (options.ShutdownTimeout <= TimeSpan.Zero || options.ShutdownTimeout > TimeSpan.FromHours(1))
        {
            return ValidateOptionsResult.Fail(
                $"{SiloHostOptions.Section}:ShutdownTimeout '{options.ShutdownTimeout}' must be more than 0 and at most 01:00:00");
        }

        return ValidateOptionsResult.Success;
    }
}
