namespace FaxGateway.Api;

/// <summary>API limits and callback delivery (configuration section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Largest upload accepted (FAX.PLUS: 30 MB per fax).</summary>
    public long MaxUploadBytes { get; set; } = 30L * 1024 * 1024;

    /// <summary>Largest page size of a fax list.</summary>
    public int MaxListLimit { get; set; } = 1000;

    /// <summary>Callback attempts before a delivery is given up (kept in the database for inspection).</summary>
    public int CallbackMaxAttempts { get; set; } = 20;

    /// <summary>First retry delay; doubled per attempt up to <see cref="CallbackMaxDelay"/>.</summary>
    public TimeSpan CallbackFirstDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan CallbackMaxDelay { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the callback worker looks for due deliveries when not woken.</summary>
    public TimeSpan CallbackPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<string> Validate()
    {
        if (MaxUploadBytes < 1024)
        {
            yield return "Api:MaxUploadBytes must be at least 1024.";
        }

        if (MaxListLimit < 1)
        {
            yield return "Api:MaxListLimit must be at least 1.";
        }

        if (CallbackMaxAttempts < 1 || CallbackFirstDelay <= TimeSpan.Zero || CallbackMaxDelay < CallbackFirstDelay || CallbackTimeout <= TimeSpan.Zero || CallbackPollInterval <= TimeSpan.Zero)
        {
            yield return "Api:Callback* settings need MaxAttempts >= 1 and positive delays with CallbackMaxDelay >= CallbackFirstDelay.";
        }
    }
}
