using System.Collections;
using System.Reflection;

namespace Mofa.Sync.Host.Settings;

/// <summary>
/// Every setting the service reads, with its type, taken from the settings classes themselves (so
/// a new option is known without listing it twice): the ground for refusing a mistyped key and a
/// value of the wrong form, and for `mofa-sync config show`.
/// </summary>
public static class SettingsSchema
{
    /// <summary>A setting: its key (a list's index written #, a free name *), its type, whether it is a secret.</summary>
    public sealed record Entry(string Key, Type Type, bool Secret);

    /// <summary>Logging's format: simple (one line per entry) or json.</summary>
    public static readonly string[] LoggingFormats = ["simple", "json"];

    /// <summary>The names of the properties that hold secrets (never shown, never in an error).</summary>
    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase) { "Password", "Token", "ConnectionString" };

    public static readonly IReadOnlyList<Entry> Entries = [.. Walk(typeof(MofaSyncSettings), ""),
        new Entry("Logging:Format", typeof(string), false),
        new Entry("Logging:LogLevel:*", typeof(Microsoft.Extensions.Logging.LogLevel), false)];

    /// <summary>The sections the service owns: every key under them must be known.</summary>
    public static readonly IReadOnlyList<string> Sections = [.. Entries.Select(e => e.Key.Split(':')[0]).Distinct()];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Others = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A section a program built on the service reads itself (the bench's Bench:…): its keys are
    /// passed on unchecked. Any other section is refused, being most likely a mistyped one.
    /// </summary>
    public static void AllowSection(string section) => Others[section] = true;

    /// <summary>Whether the key lies in a section another program registered with <see cref="AllowSection"/>.</summary>
    public static bool IsOthers(string key) => Others.ContainsKey(key.Split(':')[0]);

    /// <summary>The schema entry a concrete key (Moodle:Sites:0:Url) is an instance of, or null for an unknown key.</summary>
    public static Entry? Find(string key)
    {
        var parts = key.Split(':');
        return Entries.FirstOrDefault(e => Matches(e.Key.Split(':'), parts));
    }

    /// <summary>True when the key names a section or a list that holds settings (a file's empty "Sites": [] gives one).</summary>
    public static bool IsSection(string key)
    {
        var parts = key.Split(':');
        return Entries.Any(e => e.Key.Split(':') is var p && p.Length > parts.Length && Matches(p[..parts.Length], parts));
    }

    /// <summary>The first setting under a section or list, as an example: Sync:TeacherRoles → Sync:TeacherRoles:0.</summary>
    public static string FirstUnder(string key)
    {
        var parts = key.Split(':');
        var entry = Entries.Select(e => e.Key.Split(':')).First(p => p.Length > parts.Length && Matches(p[..parts.Length], parts));
        return string.Join(':', parts.Concat(entry[parts.Length..].Select(s => s == "#" ? "0" : s)));
    }

    /// <summary>The known key nearest to a mistyped one, with the list indexes of the typed one kept.</summary>
    public static string? Closest(string key)
    {
        var parts = key.Split(':');
        // Sections count too: Moodle:Site:0 is nearest to the list Moodle:Sites:0.
        var candidates = Entries.Select(e => e.Key.Split(':')).Where(p => p.Length >= parts.Length)
            .Select(p => string.Join(':', p.Take(parts.Length).Select((s, i) => s is "#" or "*" ? parts[i] : s))).Distinct();
        return ClosestName.Of(key, candidates);
    }

    /// <summary>Every setting of a bound settings object, lists expanded: (key, value, entry).</summary>
    public static IEnumerable<(string Key, object? Value, Entry Entry)> Values(object settings, string prefix = "")
    {
        foreach (var property in Bindable(settings.GetType()))
        {
            var key = prefix + property.Name;
            var value = property.GetValue(settings);
            var type = property.PropertyType;
            if (IsLeaf(type))
            {
                yield return (key, value, new Entry(key, type, SecretNames.Contains(property.Name)));
            }
            else if (ElementOf(type) is { } element)
            {
                var i = 0;
                foreach (var item in (IEnumerable?)value ?? Array.Empty<object>())
                {
                    var itemKey = $"{key}:{i++}";
                    if (IsLeaf(element)) yield return (itemKey, item, new Entry(itemKey, element, false));
                    else foreach (var inner in Values(item!, itemKey + ":")) yield return inner;
                }
            }
            else if (value is not null)
            {
                foreach (var inner in Values(value, key + ":")) yield return inner;
            }
        }
    }

    private static IEnumerable<Entry> Walk(Type type, string prefix)
    {
        foreach (var property in Bindable(type))
        {
            var key = prefix + property.Name;
            var t = property.PropertyType;
            if (IsLeaf(t)) yield return new Entry(key, t, SecretNames.Contains(property.Name));
            else if (ElementOf(t) is { } element)
            {
                if (IsLeaf(element)) yield return new Entry(key + ":#", element, false);
                else foreach (var inner in Walk(element, key + ":#:")) yield return inner;
            }
            else foreach (var inner in Walk(t, key + ":")) yield return inner;
        }
    }

    /// <summary>What the configuration binder fills: public instance properties with a public setter.</summary>
    private static IEnumerable<PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true && p.GetIndexParameters().Length == 0);

    private static bool IsLeaf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(TimeSpan) || t == typeof(decimal);
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0]
        : null;

    private static bool Matches(string[] pattern, string[] parts) =>
        pattern.Length == parts.Length && pattern.Zip(parts).All(p => p.First switch
        {
            "#" => p.Second.Length > 0 && p.Second.All(char.IsAsciiDigit),
            "*" => p.Second.Length > 0,
            _ => string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase),
        });
}
