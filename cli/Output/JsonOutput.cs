using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Cli.Output;

/// <summary>The <c>--json</c> form: the API's wire shape (snake_case names, enums as snake_case strings), indented.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static void Write<T>(TextWriter output, T value)
    {
        output.WriteLine(JsonSerializer.Serialize(value, Options));
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            WriteIndented = true,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }
}
