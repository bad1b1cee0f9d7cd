namespace Mofa.Sync.Moodle;

/// <summary>
/// Moodle answers errors with HTTP 200 and {"exception","errorcode","message"}. These error codes
/// need an administrator (a new token, a capability, web services switched on): retrying is useless.
/// Any other code (a database hiccup, a lock) is retried.
/// </summary>
public static class MoodleErrorCodes
{
    private static readonly HashSet<string> Permanent = new(StringComparer.OrdinalIgnoreCase)
    {
        "invalidtoken",
        "accessexception",
        "nopermissions",
        "requireloginerror",
        "webservicesnotenabled",
        "servicenotavailable",
        "invalidfunction",
        "usernotfullysetup",
        "restoredaccountresetpassword",
    };

    public static bool IsPermanent(string? errorCode, string? exceptionClass) =>
        (errorCode is not null && Permanent.Contains(errorCode))
        || exceptionClass is "required_capability_exception" or "webservice_access_exception" or "require_login_exception";
}
