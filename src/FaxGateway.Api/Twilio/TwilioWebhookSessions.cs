namespace FaxGateway.Api.Twilio;

/// <summary>
/// Webhook sessions (cookie jars) per account and number pair, kept four hours after their last use as Twilio keeps
/// cookies for a From/To pair; never shared between accounts.
/// </summary>
public sealed class TwilioWebhookSessions
{
    /// <summary>How long an idle jar is kept.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(4);

    private readonly Dictionary<(string Account, string From, string To), Entry> _sessions = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    public TwilioWebhookSessions(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Number of live sessions.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                Evict(_time.GetUtcNow());
                return _sessions.Count;
            }
        }
    }

    /// <summary>The session of this number pair, a fresh one if none was used within <see cref="Lifetime"/>.</summary>
    public TwilioWebhookSession For(string accountSid, string from, string to)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Evict(now);
            var key = (accountSid, from, to);
            if (!_sessions.TryGetValue(key, out var entry))
            {
                entry = new Entry(new TwilioWebhookSession());
                _sessions.Add(key, entry);
            }

            entry.LastUsed = now;
            return entry.Session;
        }
    }

    private void Evict(DateTimeOffset now)
    {
        foreach (var (key, entry) in _sessions.Where(e => now - e.Value.LastUsed >= Lifetime).ToArray())
        {
            _sessions.Remove(key);
        }
    }

    private sealed class Entry(TwilioWebhookSession session)
    {
        public TwilioWebhookSession Session { get; } = session;

        public DateTimeOffset LastUsed { get; set; }
    }
}
