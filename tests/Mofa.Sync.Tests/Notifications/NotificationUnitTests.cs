using Mofa.Sync.Consumers.Notifications;
using Mofa.Sync.Moodle;
using Mofa.Sync.Moodle.Functions;
using Mofa.Sync.Contracts.Notifications;
using Mofa.Sync.Host.Settings;
using Xunit;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>The pure parts: the text, Moodle's answers, the redaction, the settings rules.</summary>
public sealed class NotificationUnitTests
{
    private static NotifiedChange Change(string kind, string? name, string? url = "https://m.example/mod/quiz/view.php?id=1", long time = 1) => new()
    {
        Kind = kind, CmId = 1, ModuleKind = "quiz", ItemName = name, ItemUrl = url, EventId = "e" + Guid.NewGuid(), TimeCreated = time,
    };

    [Fact]
    public void The_text_escapes_every_name_and_says_a_module_for_an_unknown_deleted_one()
    {
        var text = NotificationText.For("<script>alert(1)</script>", 3,
            [Change(NotificationKinds.Created, "A & B"), Change(NotificationKinds.Deleted, null, null)]);

        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", text, StringComparison.Ordinal);
        Assert.Contains("A &amp; B", text, StringComparison.Ordinal);
        Assert.Contains("A module was deleted", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plain_text_says_the_same_without_markup_and_the_html_escapes_it()
    {
        var text = NotificationText.Of("Algebra & <Geometry>", 3, [Change(NotificationKinds.Updated, "C", time: 2), Change(NotificationKinds.Created, "A & B", time: 1)]);

        Assert.Equal("2 changes in your course “Algebra & <Geometry>”:\n• The quiz “A & B” was added — https://m.example/mod/quiz/view.php?id=1\n"
            + "• The quiz “C” was updated — https://m.example/mod/quiz/view.php?id=1", text.Plain);
        Assert.StartsWith("2 changes in your course “Algebra &amp; &lt;Geometry&gt;”:<br>• The quiz “A &amp; B” was added — <a href=", text.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NotificationRequested_carries_clean_names_and_only_plain_web_links_whatever_the_mirror_holds()
    {
        var change = new Mofa.Sync.Mirror.Notifications.DigestChange
        {
            ChangeId = "c1", Site = "https://m.example", CourseId = 3, Kind = NotificationKinds.Created, CmId = 9, ModuleKind = "quiz",
            ItemName = "Quiz \u001b]0;HACKED\u0007\u202Eevil", ItemUrl = "javascript:alert(1)", EventId = "e1", TimeCreated = 1,
        };
        var message = DigestPublisher.MessageOf(new Mofa.Sync.Mirror.Notifications.ClosedDigest("d1", "https://m.example", 3,
            "Restored \u001b[2J\u001b]0;HACKED\u0007\u202Eevil", [change], [11], DateTimeOffset.UnixEpoch));

        Assert.Equal("Restored [2J]0;HACKEDevil", message.Course.Name);
        var notified = Assert.Single(message.Changes);
        Assert.Equal("Quiz ]0;HACKEDevil", notified.ItemName);
        Assert.Null(notified.ItemUrl);
        Assert.All(new[] { message.Course.Name, notified.ItemName, message.Text.Plain, message.Text.Html },
            v => Assert.Null(Mofa.Sync.Contracts.Text.PlainText.FindForbidden(v)));
        Assert.DoesNotContain("javascript:", message.Text.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Moodle_answers_are_read_as_Moodle_gives_them()
    {
        var error = MoodleAnswer.ReadError("""{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}""");
        Assert.NotNull(error);
        Assert.True(error.IsPermanent);
        Assert.False(MoodleAnswer.ReadError("""{"exception":"dml_read_exception","errorcode":"dmlreadexception","message":"Error reading from database"}""")!.IsPermanent);
        Assert.Null(MoodleAnswer.ReadError("""[{"msgid":5,"clientmsgid":"a"}]"""));

        var results = MoodleMessageClient.ReadResults("""[{"msgid":5,"clientmsgid":"a"},{"msgid":-1,"clientmsgid":"b","errormessage":"no such user"}]""")!;
        Assert.Equal([true, false], results.Select(r => r.Succeeded));
        Assert.Equal("no such user", results[1].ErrorMessage);
        Assert.Null(MoodleMessageClient.ReadResults("<html>"));
    }

    [Fact]
    public void The_token_is_redacted_raw_and_url_encoded()
    {
        Assert.Equal("wstoken=*** and ***", SecretRedaction.Redact("wstoken=a+b/c and a%2Bb%2Fc", "a+b/c"));
    }

    [Fact]
    public void Settings_name_a_bad_moodle_value_without_showing_the_token()
    {
        var settings = new MofaSyncSettings();
        settings.Moodle.BaseUrl = "ftp://moodle?wstoken=xyz";
        settings.Moodle.Token = "secret token";
        settings.Notifications.DigestWindow = TimeSpan.FromSeconds(-1);

        var ex = Assert.Throws<SettingsException>(() => SettingsValidator.Validate(settings));
        Assert.Contains("Moodle:BaseUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Moodle:Token", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Notifications:DigestWindow", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MOFASYNC__MOODLE__TOKEN", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret token", ex.Message, StringComparison.Ordinal);
    }
}
