using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mofa.Sync.Contracts;

/// <summary>
/// How bridge bodies are read and written: camelCase names, matched exactly (a snake_case body
/// fails on its missing required fields), numbers as JSON numbers, nulls only where the contract
/// allows them.
/// </summary>
public static class BridgeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = JsonNumberHandling.Strict,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowDuplicateProperties = false,
    };
}
