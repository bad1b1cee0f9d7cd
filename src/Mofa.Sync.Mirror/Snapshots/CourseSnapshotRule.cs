using System.Text.Json.Nodes;
using Mofa.Sync.Mirror.Documents;

namespace Mofa.Sync.Mirror.Snapshots;

/// <summary>
/// The course snapshot apply rule, for every store (beside <see cref="MirrorApplier"/>): it makes
/// one course's subtree equal to what Moodle returned at T, as if one event of version T
/// (<see cref="SnapshotVersion"/>) said all of it:
/// <list type="bullet">
/// <item>the course's names, its modules, its teacher roles and those teachers' profiles that differ
///   from Moodle are upserted with version T: the store's conditional write, so a document an event
///   newer than T wrote keeps that event;</item>
/// <item>each quiz's question list, when the snapshot carries them (<see cref="CourseSnapshot.Quizzes"/>),
///   as a quiz_questions_changed of version T would write it; a list of a quiz whose module is not in
///   the snapshot, or was deleted after T, is not written;</item>
/// <item>the course's modules, teacher roles and quiz question lists that Moodle no longer has are
///   tombstoned with version T where they are older than T (a quiz's list goes with its quiz);</item>
/// <item>what already equals Moodle is not written at all, so a second run over an unchanged site
///   writes nothing; it keeps the version of the event that wrote it. One exception: a teacher role
///   that is written has its user's profile written just before it, as a role event does (an equal
///   profile takes version T, a newer one is only marked seen), so the user purge never takes the
///   profile of a role being written;</item>
/// <item>a course whose tombstone is newer than T is left deleted, and so are its children: after its
///   writes the rule checks the course's tombstone again and cascades it, as a child event does.</item>
/// </list>
/// The comparison reads the course's documents through the same writer, inside the store's write
/// (on SQLite, the same transaction). A snapshot does not notify teachers: it repairs the mirror,
/// it is not a change a teacher made.
/// </summary>
public sealed class CourseSnapshotRule(IMirrorStore store, ISet<string> teacherRoles)
{
    private static readonly MirrorCollection[] CourseChildren = [MirrorCollection.Modules, MirrorCollection.TeacherRoles, MirrorCollection.Quizzes];

    /// <summary>Compares the course with the snapshot and, unless <paramref name="dryRun"/>, writes the differences.</summary>
    public Task<SnapshotOutcome> ApplyAsync(CourseSnapshot snapshot, bool dryRun, CancellationToken ct) =>
        store.WriteAsync((w, c) => ApplyAsync(w, snapshot, dryRun, c), ct);

    /// <summary>
    /// Moodle answered that the course does not exist (at T): the course is tombstoned with its
    /// modules, teacher roles and quiz lists, like a course_deleted event of version T.
    /// </summary>
    public Task<SnapshotOutcome> ApplyCourseGoneAsync(string site, long courseId, long takenAt, bool dryRun, CancellationToken ct) =>
        store.WriteAsync((w, c) => CourseGoneAsync(w, site, courseId, SnapshotVersion.At(takenAt), dryRun, c), ct);

    private async Task<SnapshotOutcome> ApplyAsync(IMirrorWriter w, CourseSnapshot s, bool dryRun, CancellationToken ct)
    {
        var version = s.Version;
        var courseRef = MirrorKeys.Course(s.Site, s.CourseId);
        var course = (await w.ListChildrenAsync(new ChildSelector(MirrorCollection.Courses, s.Site, CourseId: s.CourseId), ct))
            .FirstOrDefault(d => d.Key == courseRef.Key);
        if (course is { Deleted: true } && !SnapshotVersion.IsOlder(course.Version, version))
        {
            return new SnapshotOutcome(SnapshotStatus.DeletedSince, SnapshotDrift.None, 0,
                $"course {s.CourseId} was deleted in the mirror after the snapshot was taken; it stays deleted");
        }

        var plan = new Plan(version);

        // The course's names.
        var courseData = new CourseData(s.CourseId, s.FullName, s.ShortName);
        plan.Upsert(course, Document(courseRef, s.Site, s.CourseId, null, version, courseData), courseData,
            $"course {s.CourseId} '{s.FullName}'");

        // Modules.
        var modules = await w.ListChildrenAsync(new ChildSelector(MirrorCollection.Modules, s.Site, CourseId: s.CourseId), ct);
        var modulesByKey = modules.ToDictionary(d => d.Key, StringComparer.Ordinal);
        var inMoodle = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in s.Modules)
        {
            var target = MirrorKeys.Module(s.Site, m.CmId);
            inMoodle.Add(target.Key);
            var (kind, resourceType) = ModuleKinds.Classify(m.ModuleName);
            var data = new ModuleData(s.CourseId, m.CmId, kind, resourceType, m.InstanceId, m.Name, m.Url ?? ModuleKinds.DefaultUrl(s.Site, m.ModuleName, m.CmId));
            plan.Upsert(modulesByKey.GetValueOrDefault(target.Key), Document(target, s.Site, s.CourseId, null, version, data), data,
                $"module {m.CmId} ({m.ModuleName}) '{m.Name}'");
        }

        foreach (var extra in modules.Where(d => !d.Deleted && !inMoodle.Contains(d.Key)))
        {
            var data = MirrorData.As<ModuleData>(extra);
            plan.Tombstone(extra, $"module {IdOf(extra)}{(data is null ? "" : $" ({data.ResourceType ?? data.Kind}) '{data.Name}'")}");
        }

        // Quiz question lists: written when read, kept while their quiz is there, removed with it.
        var quizzesInMoodle = s.Modules.Where(m => m.ModuleName == ModuleKinds.Quiz).ToDictionary(m => MirrorKeys.Quiz(s.Site, m.InstanceId).Key, StringComparer.Ordinal);
        var quizzes = await w.ListChildrenAsync(new ChildSelector(MirrorCollection.Quizzes, s.Site, CourseId: s.CourseId), ct);
        var quizzesByKey = quizzes.ToDictionary(d => d.Key, StringComparer.Ordinal);
        foreach (var quiz in s.Quizzes ?? [])
        {
            var target = MirrorKeys.Quiz(s.Site, quiz.QuizId);
            if (!quizzesInMoodle.TryGetValue(target.Key, out var module) || module.CmId != quiz.CmId) continue;
            if (modulesByKey.GetValueOrDefault(MirrorKeys.Module(s.Site, quiz.CmId).Key) is { Deleted: true } deleted && !SnapshotVersion.IsOlder(deleted.Version, version)) continue;
            var data = new QuizData(s.CourseId, quiz.QuizId, quiz.CmId, quiz.Questions);
            plan.Upsert(quizzesByKey.GetValueOrDefault(target.Key), Document(target, s.Site, s.CourseId, null, version, data), data,
                $"question list of quiz {quiz.QuizId} '{module.Name}' ({quiz.Questions.Count} question(s))");
        }

        foreach (var quiz in quizzes.Where(d => !d.Deleted && !quizzesInMoodle.ContainsKey(d.Key)))
        {
            plan.Tombstone(quiz, $"question list of quiz {IdOf(quiz)}");
        }

        // Teacher roles, and the profiles of the users who hold them.
        var teachers = s.Users.Select(u => (User: u, Roles: u.Roles.Where(teacherRoles.Contains).Distinct(StringComparer.Ordinal).ToList()))
            .Where(t => t.Roles.Count > 0).ToList();
        var roles = await w.ListChildrenAsync(new ChildSelector(MirrorCollection.TeacherRoles, s.Site, CourseId: s.CourseId), ct);
        var rolesByKey = roles.ToDictionary(d => d.Key, StringComparer.Ordinal);
        var rolesInMoodle = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (user, userRoles) in teachers)
        {
            var userRef = MirrorKeys.User(s.Site, user.UserId);
            var stored = (await w.ListChildrenAsync(new ChildSelector(MirrorCollection.Users, s.Site, UserId: user.UserId), ct))
                .FirstOrDefault(d => d.Key == userRef.Key);
            var profile = new UserData(user.UserId, user.Username, user.Email, user.FirstName, user.LastName);
            var profileDocument = Document(userRef, s.Site, null, user.UserId, version, profile);
            // A teacher new to the mirror is one difference (the role), whose profile comes along;
            // a stored profile that differs from Moodle's is a difference of its own.
            plan.Upsert(stored, profileDocument, profile, $"user {user.UserId} '{user.Username}'", reportMissing: false);

            foreach (var role in userRoles)
            {
                var target = MirrorKeys.TeacherRole(s.Site, s.CourseId, user.UserId, role);
                rolesInMoodle.Add(target.Key);
                var data = new TeacherRoleData(s.CourseId, user.UserId, role);
                plan.Upsert(rolesByKey.GetValueOrDefault(target.Key), Document(target, s.Site, s.CourseId, user.UserId, version, data), data,
                    $"{role} {user.UserId} '{user.Username}'", namedFirst: profileDocument);
            }
        }

        foreach (var extra in roles.Where(d => !d.Deleted && !rolesInMoodle.Contains(d.Key)))
        {
            var data = MirrorData.As<TeacherRoleData>(extra);
            plan.Tombstone(extra, data is null ? $"teacher role {extra.Key}" : $"{data.Role} {data.UserId}");
        }

        if (dryRun || !plan.HasWrites) return plan.Outcome(dryRun);

        var written = await plan.WriteAsync(w, ct);
        await CascadeNewerDeletesAsync(w, s.Site, s.CourseId, teachers.Select(t => t.User.UserId), version, ct);
        return plan.Outcome(dryRun: false, written);
    }

    private static async Task<SnapshotOutcome> CourseGoneAsync(IMirrorWriter w, string site, long courseId, string version, bool dryRun, CancellationToken ct)
    {
        var plan = new Plan(version);
        var courseRef = MirrorKeys.Course(site, courseId);
        var course = (await w.ListChildrenAsync(new ChildSelector(MirrorCollection.Courses, site, CourseId: courseId), ct)).FirstOrDefault(d => d.Key == courseRef.Key);
        if (course is null && !(await AnyChildAsync(w, site, courseId, ct)))
        {
            return new SnapshotOutcome(SnapshotStatus.NotFound, SnapshotDrift.None, 0, $"course {courseId} is in neither Moodle nor the mirror: check the course id");
        }

        if (course is { Deleted: false }) plan.Tombstone(course, $"course {courseId}{(MirrorData.As<CourseData>(course) is { } c ? $" '{c.FullName}'" : "")}");
        foreach (var collection in CourseChildren)
        {
            foreach (var child in (await w.ListChildrenAsync(new ChildSelector(collection, site, CourseId: courseId), ct)).Where(d => !d.Deleted))
            {
                plan.Tombstone(child, $"{MirrorCollectionNames.NameOf(collection)} {IdOf(child)}");
            }
        }

        if (dryRun || !plan.Drift.Any) return plan.Outcome(dryRun);

        var written = await w.TombstoneIfNewerAsync(courseRef, site, courseId, null, version, ct) == WriteOutcome.Applied ? 1 : 0;
        foreach (var collection in CourseChildren)
        {
            written += await w.TombstoneChildrenAsync(new ChildSelector(collection, site, CourseId: courseId), version, ct);
        }

        return plan.Outcome(dryRun: false, written);
    }

    /// <summary>Whether the mirror holds anything of the course (a placeholder-less module or role counts).</summary>
    private static async Task<bool> AnyChildAsync(IMirrorWriter w, string site, long courseId, CancellationToken ct)
    {
        foreach (var collection in CourseChildren)
        {
            if ((await w.ListChildrenAsync(new ChildSelector(collection, site, CourseId: courseId), ct)).Count > 0) return true;
        }

        return false;
    }

    /// <summary>
    /// A delete newer than the snapshot that ran while it was written (MongoDB has no transaction):
    /// its cascade may have passed before the snapshot's children existed, so it is cascaded again.
    /// </summary>
    private static async Task CascadeNewerDeletesAsync(IMirrorWriter w, string site, long courseId, IEnumerable<long> userIds, string version, CancellationToken ct)
    {
        if (await w.GetTombstoneVersionAsync(MirrorKeys.Course(site, courseId), ct) is { } courseDeleted && !SnapshotVersion.IsOlder(courseDeleted, version))
        {
            foreach (var collection in CourseChildren)
            {
                await w.TombstoneChildrenAsync(new ChildSelector(collection, site, CourseId: courseId), courseDeleted, ct);
            }
        }

        foreach (var userId in userIds)
        {
            if (await w.GetTombstoneVersionAsync(MirrorKeys.User(site, userId), ct) is { } userDeleted && !SnapshotVersion.IsOlder(userDeleted, version))
            {
                await w.TombstoneChildrenAsync(new ChildSelector(MirrorCollection.TeacherRoles, site, UserId: userId), userDeleted, ct);
            }
        }
    }

    private static MirrorDocument Document<T>(DocumentRef target, string site, long? courseId, long? userId, string version, T data) => new()
    {
        Collection = target.Collection,
        Key = target.Key,
        Site = site,
        CourseId = courseId,
        UserId = userId,
        Version = version,
        Data = MirrorData.From(data),
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The Moodle id at the end of a document key ("{site}|{id}").</summary>
    private static string IdOf(MirrorDocument d) => d.Key[(d.Key.LastIndexOf('|') + 1)..];

    /// <summary>The differences found and the conditional write that repairs each.</summary>
    private sealed class Plan(string version)
    {
        private readonly List<DriftItem> _items = [];
        private readonly List<Func<IMirrorWriter, CancellationToken, Task<WriteOutcome>>> _writes = [];
        private readonly HashSet<string> _upserted = new(StringComparer.Ordinal);

        public SnapshotDrift Drift => new(_items);

        /// <summary>
        /// Moodle has <paramref name="wanted"/>: missing when the mirror has nothing live, changed when its fields differ; nothing when equal or newer.
        /// <paramref name="namedFirst"/> (a teacher role's user) is written just before the document when the plan does not write it already:
        /// every role write touches its user first, as a role event does, so that the user purge's guard holds on a store without
        /// transactions (MongoMirrorStore.PurgeUnbackedUsersAsync); a profile that is equal or newer is only marked seen by that write.
        /// </summary>
        public void Upsert<T>(MirrorDocument? stored, MirrorDocument document, T wanted, string what, bool reportMissing = true, MirrorDocument? namedFirst = null)
            where T : class
        {
            if (stored is not null && !SnapshotVersion.IsOlder(stored.Version, version)) return;
            DriftKind kind;
            if (stored is null || stored.Deleted || stored.Placeholder || stored.Data is null) kind = DriftKind.Missing;
            else if (JsonNode.DeepEquals(stored.Data, Normalised(document.Data!, stored.Data))) return;
            else
            {
                kind = DriftKind.Changed;
                what = $"{what}: {Changes(stored.Data, Normalised(document.Data!, stored.Data))}";
            }

            if (kind != DriftKind.Missing || reportMissing) _items.Add(new DriftItem(document.Collection, kind, document.Key, what));
            if (namedFirst is not null && _upserted.Add(namedFirst.Key)) _writes.Add((w, ct) => w.UpsertIfNewerAsync(namedFirst, ct));
            _upserted.Add(document.Key);
            _writes.Add((w, ct) => w.UpsertIfNewerAsync(document, ct));
        }

        /// <summary>Whether anything is to be written (a difference, or a profile that comes with one).</summary>
        public bool HasWrites => _writes.Count > 0;

        /// <summary>The mirror has <paramref name="stored"/>, Moodle does not: extra, unless a newer event wrote it.</summary>
        public void Tombstone(MirrorDocument stored, string what)
        {
            if (!SnapshotVersion.IsOlder(stored.Version, version)) return;
            _items.Add(new DriftItem(stored.Collection, DriftKind.Extra, stored.Key, what));
            _writes.Add((w, ct) => w.TombstoneIfNewerAsync(new DocumentRef(stored.Collection, stored.Key), stored.Site, stored.CourseId, stored.UserId, version, ct));
        }

        public async Task<int> WriteAsync(IMirrorWriter w, CancellationToken ct)
        {
            var written = 0;
            foreach (var write in _writes)
            {
                if (await write(w, ct) == WriteOutcome.Applied) written++;
            }

            return written;
        }

        public SnapshotOutcome Outcome(bool dryRun, int written = 0) =>
            !Drift.Any ? new SnapshotOutcome(SnapshotStatus.InSync, SnapshotDrift.None, written)
            : dryRun ? new SnapshotOutcome(SnapshotStatus.DriftFound, Drift, 0)
            : new SnapshotOutcome(SnapshotStatus.Repaired, Drift, written);

        /// <summary>
        /// The wanted fields in the stored document's shape: a store may hand back fields in another
        /// order or the envelope ids among them (MongoDB), which is no difference.
        /// </summary>
        /// <summary>The fields that differ, mirror's value → Moodle's: "fullName "Old" → "New"" (values as JSON, control characters escaped, long ones cut).</summary>
        private static string Changes(JsonObject stored, JsonObject wanted) =>
            string.Join(", ", stored.Select(p => p.Key).Union(wanted.Select(p => p.Key), StringComparer.Ordinal)
                .Where(k => !JsonNode.DeepEquals(stored[k], wanted[k]))
                .Select(k => $"{k} {Shown(stored[k])} → {Shown(wanted[k])}"));

        private static string Shown(JsonNode? value)
        {
            var json = value?.ToJsonString() ?? "(none)";
            return json.Length <= 60 ? json : json[..59] + "…";
        }

        private static JsonObject Normalised(JsonObject wanted, JsonObject stored)
        {
            var ordered = new JsonObject();
            foreach (var (name, _) in stored)
            {
                if (wanted.TryGetPropertyValue(name, out var value)) ordered[name] = value?.DeepClone();
            }

            foreach (var (name, value) in wanted)
            {
                if (!ordered.ContainsKey(name)) ordered[name] = value?.DeepClone();
            }

            return ordered;
        }
    }
}
