using System.Globalization;
using Polly.Timeout;

namespace Mofa.Sync.Consumers.Notifications.Moodle;

/// <summary>
/// Calls core_message_send_instant_messages: POST {site}/webservice/rest/server.php with the token
/// in the form body (never in the address, so it cannot leak through a logged URL). The HttpClient
/// it gets carries the retry and timeout strategy (<see cref="MoodleWebServiceRegistration"/>);
/// this class turns what is left after the retries into results or one of the two Moodle exceptions.
/// </summary>
public sealed class MoodleWebServiceClient(HttpClient http, MoodleOptions options)
{
    public const string Function = "core_message_send_instant_messages";

    /// <summary>Moodle takes any number, but a call this size stays well under PHP's max_input_vars (1000).</summary>
    public const int MaxMessagesPerCall = 100;

    public static Uri EndpointFor(string wwwroot) => new(wwwroot.TrimEnd('/') + "/webservice/rest/server.php");

    public async Task<IReadOnlyList<MoodleMessageResult>> SendInstantMessagesAsync(string site, IReadOnlyList<MoodleMessage> messages, CancellationToken ct)
    {
        if (messages.Count is 0 or > MaxMessagesPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(messages), messages.Count, $"between 1 and {MaxMessagesPerCall} messages a call");
        }

        var endpoint = EndpointFor(options.BaseUrl.Length > 0 ? options.BaseUrl : site);
        var where = endpoint.GetLeftPart(UriPartial.Path);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(Form(messages)) };

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException)
        {
            throw new MoodleUnavailableException($"Moodle at {where} did not answer within {options.Timeout} ({Tries})");
        }
        catch (HttpRequestException ex)
        {
            throw new MoodleUnavailableException($"Moodle at {where} could not be reached ({Tries}): {Redact(ex.Message)}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new MoodleUnavailableException($"Moodle at {where} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} ({Tries})");
            }

            if (MoodleAnswer.ReadError(body) is { } error)
            {
                var text = Redact($"Moodle refused {Function} at {where}: {error.ErrorCode} ({error.Message})");
                if (error.IsPermanent)
                {
                    throw new MoodleRejectedException(error.ErrorCode,
                        text + ". Retrying cannot help: check the web service token (Moodle:Token) and its capabilities, then replay the message from the error queue.");
                }

                throw new MoodleUnavailableException(text + $" ({Tries})");
            }

            return MoodleAnswer.ReadResults(body)
                ?? throw new MoodleUnavailableException($"Moodle at {where} answered HTTP {(int)response.StatusCode} with something that is not a list of message results (is it Moodle's REST server?)");
        }
    }

    private string Tries => options.RetryLimit == 0 ? "no retries" : $"after {options.RetryLimit} retries";

    private IEnumerable<KeyValuePair<string, string>> Form(IReadOnlyList<MoodleMessage> messages)
    {
        yield return new("wstoken", options.Token);
        yield return new("wsfunction", Function);
        yield return new("moodlewsrestformat", "json");
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var p = string.Create(CultureInfo.InvariantCulture, $"messages[{i}]");
            yield return new(p + "[touserid]", m.ToUserId.ToString(CultureInfo.InvariantCulture));
            yield return new(p + "[text]", m.Text);
            yield return new(p + "[textformat]", m.TextFormat.ToString(CultureInfo.InvariantCulture));
            yield return new(p + "[clientmsgid]", m.ClientMessageId);
        }
    }

    /// <summary>Takes the token out of any text that might carry it (a message of the HTTP stack, Moodle's own).</summary>
    public string Redact(string text) => SecretRedaction.Redact(text, options.Token);
}
