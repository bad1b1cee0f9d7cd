using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Mofa.Sync.Host.Hosting;

/// <summary>
/// Logging:Format=json: one JSON object a line (Timestamp, EventId, EventName, LogLevel, Category,
/// Message, State, Exception). Unlike the built-in JSON console formatter it writes text as it is
/// (+ ' " &lt; are not \u002B…: a log is never embedded in HTML) and names each event: a log call
/// without an EventId of its own gets a stable one, the same for every line of that call, and its
/// message template as EventName, so a collector can count and alert on a kind of line.
/// </summary>
public sealed class JsonLineFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "mofa-sync-json";

    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;

        var state = logEntry.State as IReadOnlyList<KeyValuePair<string, object?>>;
        var template = state?.FirstOrDefault(p => p.Key == "{OriginalFormat}").Value as string;
        var name = logEntry.EventId.Name ?? template ?? message ?? "";
        var id = logEntry.EventId.Id != 0 ? logEntry.EventId.Id : StableId(logEntry.Category, name);

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Writer))
        {
            json.WriteStartObject();
            json.WriteString("Timestamp", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("EventId", id);
            json.WriteString("EventName", name);
            json.WriteString("LogLevel", logEntry.LogLevel.ToString());
            json.WriteString("Category", logEntry.Category);
            json.WriteString("Message", message);
            if (state is not null)
            {
                json.WriteStartObject("State");
                foreach (var (key, value) in state)
                {
                    if (key != "{OriginalFormat}") json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                }

                json.WriteEndObject();
            }

            if (logEntry.Exception is not null) json.WriteString("Exception", logEntry.Exception.ToString());
            json.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write(Environment.NewLine);
    }

    /// <summary>A positive number from the category and the event's name: the same in every run and version that keeps the line.</summary>
    public static int StableId(string category, string name)
    {
        // FNV-1a: string.GetHashCode differs from one process to the next.
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(category + "\n" + name))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash & 0x7FFF_FFFF);
    }
}
