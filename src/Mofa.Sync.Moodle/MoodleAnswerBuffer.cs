namespace Mofa.Sync.Moodle;

/// <summary>
/// The innermost handler of a site's HttpClient: reads the whole answer into memory (at most
/// Moodle:MaxResponseMegabytes) within the try that received its headers, so the try's time limit
/// (Moodle:Timeout) bounds the body too. Outside it, HttpClient reads the body after the resilience
/// pipeline has returned, with no limit: headers with a Content-Length and then one byte a second
/// held a call (and its concurrency slot) for as long as the peer kept the connection open.
/// </summary>
public sealed class MoodleAnswerBuffer(long maxBytes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(maxBytes, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
