namespace Mofa.Sync.Moodle;

/// <summary>A call to Moodle that failed: Moodle's failure, not the mirror store's. The message never contains the token.</summary>
public abstract class MoodleException(string message) : Exception(message);

/// <summary>
/// Moodle refused the call for a reason retrying cannot fix (invalid token, access denied): the
/// message goes to the _error queue at once. The message never contains the token.
/// </summary>
public sealed class MoodleRejectedException(string errorCode, string message) : MoodleException(message)
{
    public string ErrorCode { get; } = errorCode;
}

/// <summary>
/// Moodle could not be reached or failed for a passing reason, and the HTTP retries are used up:
/// the message goes to the _error queue, replayable later. The message never contains the token.
/// </summary>
public sealed class MoodleUnavailableException(string message, string? errorCode = null) : MoodleException(message)
{
    /// <summary>Moodle's errorcode when Moodle answered with an error object, else null (no answer, HTTP 5xx).</summary>
    public string? ErrorCode { get; } = errorCode;
}

/// <summary>
/// Moodle (or whatever answers at its address) answered HTTP 2xx with something that cannot be
/// read as the function's answer: a character set that is not known, a body that is not JSON, JSON
/// of another shape or with values of the wrong type. The call may have taken effect: a message
/// sent this way is not sent again. The message never contains the token.
/// </summary>
public sealed class MoodleUnreadableAnswerException(string message) : MoodleException(message);
