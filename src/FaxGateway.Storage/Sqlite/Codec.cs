using System.Text.Json;
using FaxGateway.Core.Model;

namespace FaxGateway.Storage.Sqlite;

/// <summary>Column encodings: times as Unix milliseconds, enums as snake_case names, lists as JSON arrays.</summary>
internal static class Codec
{
    public static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    public static string Json(IReadOnlyList<string> values) => JsonSerializer.Serialize(values, StorageJsonContext.Default.IReadOnlyListString);

    public static IReadOnlyList<string> List(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, StorageJsonContext.Default.ListString) ?? [];

    public static string Json(IReadOnlyDictionary<string, string> values) => JsonSerializer.Serialize(values, StorageJsonContext.Default.IReadOnlyDictionaryStringString);

    public static IReadOnlyDictionary<string, string> Map(string? json) =>
        string.IsNullOrEmpty(json) ? new Dictionary<string, string>() : JsonSerializer.Deserialize(json, StorageJsonContext.Default.DictionaryStringString) ?? [];

    public static string Name(JobState state) => state switch
    {
        JobState.Submitted => "submitted",
        JobState.Converting => "converting",
        JobState.Scheduled => "scheduled",
        JobState.Sending => "sending",
        JobState.Sent => "sent",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static JobState JobStateOf(string name) => name switch
    {
        "submitted" => JobState.Submitted,
        "converting" => JobState.Converting,
        "scheduled" => JobState.Scheduled,
        "sending" => JobState.Sending,
        "sent" => JobState.Sent,
        "failed" => JobState.Failed,
        "cancelled" => JobState.Cancelled,
        _ => throw new InvalidDataException($"Unknown job state '{name}' in the database."),
    };

    /// <summary>Enum to a stable snake_case column value (the enum member names are the contract).</summary>
    public static string Name<T>(T value) where T : struct, Enum => Snake(value.ToString());

    public static T Parse<T>(string name) where T : struct, Enum =>
        Enum.TryParse<T>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var value)
            ? value
            : throw new InvalidDataException($"Unknown {typeof(T).Name} '{name}' in the database.");

    private static string Snake(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StorageJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
