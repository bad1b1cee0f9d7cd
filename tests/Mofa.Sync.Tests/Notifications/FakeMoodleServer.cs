using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Web;
using Mofa.Sync.Tests.Integration.Infrastructure;

namespace Mofa.Sync.Tests.Notifications;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers POST /webservice/rest/server.php like Moodle's REST
/// server does for core_message_send_instant_messages. Each test scripts the answers
/// (<see cref="Answer"/>); every call is kept for the assertions. The read functions that
/// reconciling calls are answered by a <see cref="Reconcile.FakeMoodleSite"/> plugged in as the answer.
/// </summary>
public sealed class FakeMoodleServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<Call> _calls = new();
    private readonly TaskCompletionSource _neverAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<Call> _siteInfoCalls = new();
    private long _nextMsgId = 1000;
    private long _trickled;
    private int _number;

    /// <param name="port">A port of the test's choosing (a Moodle that comes back where it was), else a free one.</param>
    public FakeMoodleServer(int? port = null)
    {
        Port = port ?? TestPorts.Next();
        BaseUrl = $"http://127.0.0.1:{Port}/moodle";
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    /// <summary>The Moodle wwwroot this server pretends to be.</summary>
    public string BaseUrl { get; }

    /// <summary>How call number n (from 1) is answered; default: every message delivered.</summary>
    public Func<Call, int, Reply> Answer { get; set; } = (call, _) => Reply.Success(call);

    /// <summary>The calls answered by <see cref="Answer"/>, numbered from 1 (the service's start-up token check is not among them).</summary>
    public IReadOnlyList<Call> Calls => _calls.ToList();

    /// <summary>
    /// How core_webservice_get_site_info (the service's token check at start) is answered, outside
    /// <see cref="Answer"/> and <see cref="Calls"/>; default: Moodle's answer for a token that may send
    /// messages. Null: it goes to <see cref="Answer"/> like any other call.
    /// </summary>
    public Func<Call, Reply>? SiteInfo { get; set; } = _ => Reply.SiteInfo(["core_webservice_get_site_info", "core_message_send_instant_messages"]);

    public IReadOnlyList<Call> SiteInfoCalls => _siteInfoCalls.ToList();

    /// <summary>A message that reached the server (the call may still have been answered with an error).</summary>
    public sealed record Message(long ToUserId, string Text, int TextFormat, string ClientMsgId);

    public sealed record Call(int Number, string Path, string? Token, string? Function, string? Format, IReadOnlyList<Message> Messages, IReadOnlyDictionary<string, string> Headers)
    {
        /// <summary>Every form field of the call (the read functions' parameters; the token too, as wstoken).</summary>
        public IReadOnlyDictionary<string, string> Form { get; init; } = new Dictionary<string, string>();

        /// <summary>When the server accepted the call's request (Stopwatch's clock), before reading it: what a per-second budget is counted on.</summary>
        public long ReceivedAt { get; init; }
    }

    /// <summary>
    /// How a call is answered. <paramref name="Reason"/>: the status line's reason phrase (a proxy's, say);
    /// <paramref name="ContentType"/>: the Content-Type header (default: Moodle's for 200, text/html else);
    /// <paramref name="Headers"/>: more headers (Retry-After); <paramref name="Trickle"/>: the headers announce
    /// 100,000 bytes, then the body comes one byte per interval until the client gives up.
    /// </summary>
    public sealed record Reply(int Status, string Body, TimeSpan Delay = default, bool Never = false, string? Location = null,
        string? Reason = null, string? ContentType = null, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan? Trickle = null)
    {
        /// <summary>The answer is sent only once this completes: a call held at a point the test controls.</summary>
        public Task? HeldUntil { get; init; }

        /// <summary>A redirect elsewhere (a moved site, or one that hands the token on): 301, 302, 303, 307 or 308 with a Location.</summary>
        public static Reply Redirect(int status, string location) => new(status, "", Location: location);

        /// <summary>Moodle's answer when every message of the call went out, except those <paramref name="refuse"/> names.</summary>
        public static Reply Success(Call call, Func<Message, string?>? refuse = null, FakeMoodleServer? ids = null) => new(200, JsonSerializer.Serialize(
            call.Messages.Select(m => refuse?.Invoke(m) is { } why
                ? new Dictionary<string, object?> { ["msgid"] = -1, ["clientmsgid"] = m.ClientMsgId, ["errormessage"] = why }
                : new Dictionary<string, object?> { ["msgid"] = ids?.NextMsgId() ?? 1, ["clientmsgid"] = m.ClientMsgId, ["text"] = m.Text, ["timecreated"] = 1700000000, ["conversationid"] = 7, ["useridfrom"] = 2, ["candeletemessagesforallusers"] = false })));

        /// <summary>Moodle's error answer: HTTP 200 with an exception object.</summary>
        public static Reply Exception(string errorCode, string message) =>
            new(200, JsonSerializer.Serialize(new { exception = "moodle_exception", errorcode = errorCode, message }));

        /// <summary>core_webservice_get_site_info's answer (webservice/externallib.php) for a token whose service has <paramref name="functions"/>.</summary>
        public static Reply SiteInfo(IEnumerable<string> functions) => new(200, JsonSerializer.Serialize(new
        {
            sitename = "Fake Moodle", username = "mofa-sync", firstname = "Mofa", lastname = "Sync", fullname = "Mofa Sync", lang = "en",
            userid = 2, siteurl = "http://fake", userpictureurl = "", functions = functions.Order().Select(f => new { name = f, version = "2024100700" }),
            downloadfiles = 0, uploadfiles = 0, release = "4.5 (Build: 20241007)", version = "2024100700", mobilecssurl = "",
            advancedfeatures = Array.Empty<object>(), usercanmanageownfiles = true, userquota = 0, usermaxuploadfilesize = -1,
            userhomepage = 1, siteid = 1, sitecalendartype = "gregorian", usercalendartype = "gregorian", theme = "boost",
        }));

        public static Reply Unavailable => new(503, "<html><body>Service Unavailable</body></html>");

        /// <summary>Holds the call open until the server is disposed, like a Moodle that hangs.</summary>
        public static Reply Hang => new(200, "", Never: true);
    }

    public long NextMsgId() => Interlocked.Increment(ref _nextMsgId);

    /// <summary>Bytes of trickled bodies written so far (a trickle has started once this is above 0).</summary>
    public long TrickledBytes => Interlocked.Read(ref _trickled);

    /// <summary>Messages in calls answered with a success, by recipient.</summary>
    public ILookup<long, Message> MessagesByRecipient() => Calls.SelectMany(c => c.Messages).ToLookup(m => m.ToUserId);

    public async Task WaitForCallsAsync(int count, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromMinutes(2));
        while (_calls.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the fake Moodle got {_calls.Count} of {count} calls");
            await Task.Delay(50);
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var received = System.Diagnostics.Stopwatch.GetTimestamp();
            _ = Task.Run(() => HandleAsync(context, received));
        }
    }

    private async Task HandleAsync(HttpListenerContext context, long received)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync();
            }

            var form = HttpUtility.ParseQueryString(body);
            var messages = new List<Message>();
            for (var i = 0; form[$"messages[{i}][touserid]"] is { } to; i++)
            {
                messages.Add(new Message(long.Parse(to, CultureInfo.InvariantCulture), form[$"messages[{i}][text]"] ?? "",
                    int.Parse(form[$"messages[{i}][textformat]"] ?? "-1", CultureInfo.InvariantCulture), form[$"messages[{i}][clientmsgid]"] ?? ""));
            }

            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? "");
            var siteInfo = form["wsfunction"] == "core_webservice_get_site_info" ? SiteInfo : null;
            var number = siteInfo is null ? Interlocked.Increment(ref _number) : 0;
            var call = new Call(number, context.Request.Url!.AbsolutePath, form["wstoken"], form["wsfunction"], form["moodlewsrestformat"], messages, headers)
            {
                ReceivedAt = received,
                Form = form.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => form[k] ?? "", StringComparer.Ordinal),
            };
            (siteInfo is null ? _calls : _siteInfoCalls).Enqueue(call);

            var reply = !call.Path.EndsWith("/webservice/rest/server.php", StringComparison.Ordinal) ? new Reply(404, "not found")
                : siteInfo is not null ? siteInfo(call)
                : Answer(call, number);
            if (reply.Never) await _neverAnswered.Task;
            if (reply.HeldUntil is { } held) await held.WaitAsync(_stop.Token);
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, _stop.Token);

            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            context.Response.StatusCode = reply.Status;
            if (reply.Reason is not null) context.Response.StatusDescription = reply.Reason;
            if (reply.Location is not null) context.Response.RedirectLocation = reply.Location;
            context.Response.ContentType = reply.ContentType ?? (reply.Status == 200 ? "application/json; charset=utf-8" : "text/html");
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
            if (reply.Trickle is { } interval)
            {
                context.Response.ContentLength64 = 100_000;
                for (var i = 0; i < 100_000; i++)
                {
                    await context.Response.OutputStream.WriteAsync("["u8.ToArray(), _stop.Token);
                    await context.Response.OutputStream.FlushAsync(_stop.Token);
                    Interlocked.Increment(ref _trickled);
                    await Task.Delay(interval, _stop.Token);
                }

                context.Response.Close();
                return;
            }

            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception)
        {
            // The client gave up (timeout, killed): nothing to answer.
            try
            {
                context.Response.Abort();
            }
            catch (Exception)
            {
            }
        }
    }

    private int _disposed;

    /// <summary>Stops answering: the port refuses connections, as a Moodle that is down. Once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        _neverAnswered.TrySetResult();
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed listener on Linux sometimes fails to unregister a port it is closing
            // ("Address already in use"); the test is over, nothing depends on it.
        }
        try
        {
            await _loop;
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
    }
}
