// A cluster's silos share one PostgreSQL server, whose connection limit (max_connections, 100 by default) is shared
// by every silo's pool. Two defaults keep a cluster within it:
// - Each silo's pool is capped (Maximum Pool Size 30 unless the connection string sets one), so three silos and the
//   tools beside them stay under the server's limit instead of exhausting it under load ("too many clients").
// - A silo that dies without closing its connections (a killed container, a lost host) leaves their server sessions
//   behind until the server notices; TCP keepalives asked of the server per session (tcp_keepalives_idle 15 s,
//   interval 5 s, 3 probes, in the startup options unless the string sets them) end them within about 30 s, so a
//   restarted silo finds its connections available. Npgsql's own keepalive (15 s) lets the silo notice a dead server.
// Two more keep each statement cheap for the server. Orleans' providers open and close a pooled connection per
// operation; by default Npgsql then sends DISCARD ALL before the connection's next statement, a transaction of its own
// that also drops what the session prepared (counted on the Docker cluster: every other statement). Nothing in the
// silo leaves state in a session (every advisory lock is transaction-scoped; no SET, LISTEN or temporary table), so
// the pool does not reset connections (No Reset On Close), and statements used repeatedly are prepared once per
// connection (Max Auto Prepare 64), so the server parses and plans them once. Behind a pooler in transaction mode
// (PgBouncer), set Max Auto Prepare=0 in the connection string.
using Npgsql;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>The connection string a silo uses: the operator's, with the cluster defaults it does not set.</summary>
public static class PostgreSqlConnectionDefaults
{
    /// <summary>Pool size per silo when the connection string sets none.</summary>
    public const int MaxPoolSize = 30;

    /// <summary>Seconds between Npgsql's keepalive queries on an idle connection when the string sets none.</summary>
    public const int KeepaliveSeconds = 15;

    /// <summary>Statements each pooled connection prepares automatically when the string sets none.</summary>
    public const int MaxAutoPrepare = 64;

    /// <summary>The server-side TCP keepalive settings asked for each session when the string's Options name none.</summary>
    public const string ServerKeepalives = "-c tcp_keepalives_idle=15 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3";

    /// <summary>Returns <paramref name="connectionString"/> with the defaults above for what it leaves unset.</summary>
    /// <exception cref="ArgumentException">Not an Npgsql connection string.</exception>
    public static string Apply(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets(connectionString, "Maximum Pool Size", "MaxPoolSize"))
        {
            builder.MaxPoolSize = MaxPoolSize;
        }

        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = KeepaliveSeconds;
        }

        if (!Sets(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!Sets(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }

        var options = builder.Options ?? "";
        if (!options.Contains("tcp_keepalives", StringComparison.OrdinalIgnoreCase))
        {
            builder.Options = options.Length == 0 ? ServerKeepalives : options + " " + ServerKeepalives;
        }

        return builder.ConnectionString;
    }

    // Whether the string names the keyword itself (a default value and an explicit one read the same on the builder).
    private static bool Sets(string connectionString, params string[] keywords)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = (equals < 0 ? part : part[..equals]).Trim();
            foreach (var keyword in keywords)
            {
                if (string.Equals(key, keyword, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
