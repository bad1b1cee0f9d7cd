namespace Mofa.Sync.Mirror;

/// <summary>How a Moodle modname maps to the mirror's module kind.</summary>
public static class ModuleKinds
{
    public const string Assign = "assign";
    public const string Quiz = "quiz";
    public const string Choice = "choice";
    public const string Resource = "resource";

    /// <summary>assign, quiz and choice are kinds of their own; any other modname is a resource of that type.</summary>
    public static (string Kind, string? ResourceType) Classify(string moduleName) => moduleName switch
    {
        Assign or Quiz or Choice => (moduleName, null),
        _ => (Resource, moduleName),
    };

    public static string DefaultUrl(string site, string moduleName, long cmId) =>
        $"{site.TrimEnd('/')}/mod/{Uri.EscapeDataString(moduleName)}/view.php?id={cmId}";
}
