using System.Text.Json.Nodes;

namespace Mofa.Sync.Consumers.Validation;

/// <summary>
/// A field rule that says what it asks in JSON Schema's words: the published schemas
/// (docs/schemas) take their constraints from the rules the service enforces, never from a copy.
/// </summary>
public interface IJsonSchemaRule
{
    /// <summary>
    /// The keywords that say the rule (a fresh object on each call); empty when JSON Schema cannot
    /// say it, and the rule's declaration says why.
    /// </summary>
    JsonObject JsonSchema();
}
