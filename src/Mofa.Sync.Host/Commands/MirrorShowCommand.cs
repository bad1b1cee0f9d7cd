using System.ComponentModel;
using Mofa.Sync.Mirror;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mofa.Sync.Host.Commands;

/// <summary>`mofa-sync mirror show`: the mirror for people: each course with its modules and teachers.</summary>
public sealed class MirrorShowCommand : AsyncCommand<MirrorShowCommand.Options>
{
    public sealed class Options : CommonSettings
    {
        [CommandOption("--json")]
        [Description("Print the mirror as JSON, as `mirror export` does (for scripts)")]
        public bool Json { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options options, CancellationToken cancellationToken)
    {
        var (_, settings) = options.Load();
        await using var store = await CommonSettings.OpenExistingStoreAsync(settings, cancellationToken);
        var mirror = await MirrorExport.ReadAsync(store, includeTombstones: false, cancellationToken);
        if (options.Json)
        {
            Console.WriteLine(mirror.ToJson());
            return 0;
        }

        if (mirror.Courses.Count == 0)
        {
            AnsiConsole.WriteLine("The mirror is empty.");
            return 0;
        }

        foreach (var site in mirror.Courses.GroupBy(c => c.Site))
        {
            var root = new Tree($"[bold]{SafeText.Markup(site.Key)}[/]");
            foreach (var course in site)
            {
                var title = course.Placeholder
                    ? $"course {course.CourseId} [grey](placeholder: not seen yet)[/]"
                    : $"[bold]{SafeText.Markup(course.FullName)}[/] ({SafeText.Markup(course.ShortName)}, id {course.CourseId})";
                var node = root.AddNode(title);

                var teachers = mirror.Users.Where(u => u.Site == site.Key)
                    .SelectMany(u => u.Roles.Where(r => r.CourseId == course.CourseId).Select(r => (u, r.Role))).ToList();
                var teacherNode = node.AddNode($"teachers ({teachers.Count})");
                foreach (var (u, role) in teachers)
                {
                    teacherNode.AddNode(SafeText.Markup($"{u.FirstName} {u.LastName} <{u.Email}> — {role}"));
                }

                var modules = mirror.Modules.Where(m => m.Site == site.Key && m.CourseId == course.CourseId).ToList();
                var moduleNode = node.AddNode($"modules ({modules.Count})");
                foreach (var m in modules)
                {
                    var kind = m.Kind == "resource" ? $"resource/{m.ResourceType}" : m.Kind;
                    var moduleLine = moduleNode.AddNode(SafeText.Markup($"[{kind}] {m.Name}  {m.Url}"));
                    foreach (var q in mirror.QuizQuestions.Where(q => q.Site == site.Key && q.QuizId == m.InstanceId && m.Kind == "quiz"))
                    {
                        moduleLine.AddNode(SafeText.Markup($"question {q.QuestionId}: {q.Name}"));
                    }
                }
            }

            AnsiConsole.Write(root);
        }

        AnsiConsole.WriteLine($"{mirror.Courses.Count} courses, {mirror.Modules.Count} modules, {mirror.Users.Count} teachers, {mirror.QuizQuestions.Count} quiz questions.");
        return 0;
    }
}
