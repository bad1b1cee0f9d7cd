using System.Text;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Moodle;
using Mofa.Sync.Contracts.Envelope;
using Mofa.Sync.Contracts;
using Xunit;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Sites;

/// <summary>One site, one name: the canonical form of a wwwroot, and the parser that applies it before anything is keyed.</summary>
public sealed class SiteAddressTests
{
    [Theory]
    [InlineData("https://moodle.example.edu", "https://moodle.example.edu")]
    [InlineData("https://moodle.example.edu/", "https://moodle.example.edu")]
    [InlineData("HTTPS://Moodle.Example.EDU:443", "https://moodle.example.edu")]
    [InlineData("https://moodle.example.edu:443//", "https://moodle.example.edu")]
    [InlineData("http://moodle.example.edu:80/", "http://moodle.example.edu")]
    [InlineData("http://moodle.example.edu:8080", "http://moodle.example.edu:8080")]
    [InlineData("https://moodle.example.edu:80", "https://moodle.example.edu:80")]
    [InlineData("https://Uni.Example/Moodle/", "https://uni.example/Moodle")]
    [InlineData("https://uni.example/lms/moodle", "https://uni.example/lms/moodle")]
    [InlineData("http://127.0.0.1:5000/moodle", "http://127.0.0.1:5000/moodle")]
    [InlineData("http://[::1]:8080/", "http://[::1]:8080")]
    [InlineData("https://Bücher.example", "https://xn--bcher-kva.example")]
    [InlineData("https://moodle.example.edu.", "https://moodle.example.edu")]
    [InlineData("https://Moodle.Example.EDU.:443/moodle/", "https://moodle.example.edu/moodle")]
    public void A_wwwroot_has_one_canonical_form(string given, string canonical)
    {
        Assert.Equal(canonical, SiteAddress.Canonicalize(given, out var why));
        Assert.Null(why);
        Assert.Equal(canonical, SiteAddress.Canonical(canonical));
    }

    [Theory]
    [InlineData("https://moodle.example.edu/index.php?x=1", "query")]
    [InlineData("https://moodle.example.edu/index.php", "index.php")]
    [InlineData("https://moodle.example.edu/?lang=en", "query")]
    [InlineData("https://moodle.example.edu/?", "query")]
    [InlineData("https://moodle.example.edu/#top", "fragment")]
    [InlineData("https://admin:pw@moodle.example.edu", "user name or password")]
    [InlineData("ftp://moodle.example.edu", "its scheme is ftp:")]
    [InlineData("javascript:alert(1)", "its scheme is javascript:")]
    [InlineData("moodle.example.edu", "not an absolute address")]
    [InlineData("/moodle", "not an absolute address")]
    [InlineData("", "empty")]
    [InlineData("https://./", "not an absolute address")]
    public void Anything_that_is_not_a_wwwroot_is_rejected_with_a_reason(string given, string reason)
    {
        Assert.Null(SiteAddress.Canonicalize(given, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", why, StringComparison.Ordinal);
    }

    private static ReadOnlyMemory<byte> Course(string site, string eventId = "e-1") => Encoding.UTF8.GetBytes(
        $$"""{"schemaVersion":1,"eventId":"{{eventId}}","site":"{{site}}","eventName":"\\core\\event\\course_created","timeCreated":1788000000,"actorId":2,"courseId":5,"fullName":"F","shortName":"S"}""");

    [Fact]
    public void The_parser_hands_on_the_canonical_site_and_rejects_what_is_not_a_wwwroot()
    {
        var parsed = BridgeAgents.Parser.Parse(BridgeRoutingKeys.CourseCreated, Course("HTTPS://Moodle.Example.EDU:443/"));
        Assert.Equal("https://moodle.example.edu", parsed.Event!.Site);

        // No sites configured (the demo): the fully qualified name with its trailing dot is the same site, not a second one (issue #23, L3).
        Assert.Equal("https://moodle.example.edu", BridgeAgents.Parser.Parse(BridgeRoutingKeys.CourseCreated, Course("https://moodle.example.edu.")).Event!.Site);

        var invalid = Assert.Throws<InvalidBridgeMessageException>(() =>
            BridgeAgents.Parser.Parse(BridgeRoutingKeys.CourseCreated, Course("https://moodle.example.edu/index.php?x=1")));
        Assert.Contains("site must be the site's absolute http(s) address", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("it has a query", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_sites_configured_a_message_from_another_site_is_invalid_and_a_configured_one_in_any_form_is_not()
    {
        var sites = new MoodleSites(new MoodleOptions
        {
            Sites = [new MoodleSiteOptions { Url = "https://Moodle.Example.EDU/", Token = "t1" }, new MoodleSiteOptions { Url = "http://127.0.0.1:9000/moodle" }],
        });

        Assert.Equal("https://moodle.example.edu", BridgeAgents.Parser.Parse(BridgeRoutingKeys.CourseCreated, Course("https://moodle.example.edu:443"), sites: sites).Event!.Site);
        Assert.Equal("http://127.0.0.1:9000/moodle", BridgeAgents.Parser.Parse(BridgeRoutingKeys.CourseCreated, Course("http://127.0.0.1:9000/moodle/"), sites: sites).Event!.Site);
        foreach (var (site, canonical) in new[]
                 {
                     ("https://x.example", "https://x.example"),
                     ("http://169.254.169.254", "http://169.254.169.254"),
                     ("http://localhost:15672/", "http://localhost:15672"),
                     ("http://127.0.0.1:9001/moodle", "http://127.0.0.1:9001/moodle"),
                     ("http://127.0.0.1:9000/", "http://127.0.0.1:9000"),
                 })
        {
            var refused = Assert.Throws<InvalidBridgeMessageException>(() => BridgeAgents.Parser.Parse(BridgeRoutingKeys.CourseCreated, Course(site), sites: sites));
            Assert.Equal($"core.course_created: site {canonical} is not one of the configured Moodle sites", refused.Message);
        }

        // None configured (the demo): every site is mirrored.
        Assert.Equal("https://x.example", BridgeAgents.Parser.Parse(BridgeRoutingKeys.CourseCreated, Course("https://x.example/"), sites: MoodleSites.None).Event!.Site);
    }

    [Fact]
    public void A_site_takes_the_moodle_defaults_unless_it_sets_its_own_and_never_prints_its_token()
    {
        var sites = new MoodleSites(new MoodleOptions
        {
            Timeout = TimeSpan.FromSeconds(7), RetryLimit = 3, RetryDelay = TimeSpan.FromSeconds(2),
            Sites =
            [
                new MoodleSiteOptions { Url = "https://a.example", Token = "tok-A-secret" },
                new MoodleSiteOptions { Url = "https://b.example/moodle/", Token = "tok-B-secret", Timeout = TimeSpan.FromSeconds(1), RetryLimit = 0, RetryDelay = TimeSpan.FromSeconds(5) },
            ],
        });

        var a = sites.Find("https://a.example")!;
        Assert.Equal((TimeSpan.FromSeconds(7), 3, TimeSpan.FromSeconds(2)), (a.Timeout, a.RetryLimit, a.RetryDelay));
        var b = sites.Find("https://b.example/moodle")!;
        Assert.Equal((TimeSpan.FromSeconds(1), 0, TimeSpan.FromSeconds(5)), (b.Timeout, b.RetryLimit, b.RetryDelay));
        Assert.Equal(new Uri("https://b.example/moodle/webservice/rest/server.php"), b.Endpoint);
        Assert.DoesNotContain("tok-B-secret", b.ToString(), StringComparison.Ordinal);
        Assert.Null(sites.Find("https://b.example/moodle/"));

        // The one-site shorthand is a list of one.
        var one = new MoodleSites(new MoodleOptions { BaseUrl = "HTTPS://C.example/", Token = "tok-C" });
        Assert.Equal("tok-C", Assert.Single(one.All).Token);
        Assert.NotNull(one.Find("https://c.example"));
    }
}
