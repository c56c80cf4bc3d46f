-- Reminders table, SQLite, in the layout of Orleans' OrleansRemindersTable.
-- Applied by SqliteReminderTable.StartAsync (and before the first operation); idempotent, safe to rerun.
--   ServiceId     the service id (ClusterOptions.ServiceId unless the options override it)
--   GrainId       the grain id in its "type/key" text form
--   ReminderName  unique per grain
--   StartTime     first due time, UTC, ISO 8601 with milliseconds (yyyy-MM-ddTHH:mm:ss.fffZ)
--   Period        milliseconds between ticks
--   GrainHash     GrainId.GetUniformHashCode() as an unsigned value 0 .. 4294967295 (ring-range reads)
--   Version       the ETag: 1 on insert, +1 on every upsert
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId TEXT NOT NULL,
    GrainId TEXT NOT NULL,
    ReminderName TEXT NOT NULL,
    StartTime TEXT NOT NULL,
    Period INTEGER NOT NULL,
    GrainHash INTEGER NOT NULL,
    Version INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS ix_reminderstable_grainhash ON OrleansRemindersTable (ServiceId, GrainHash);
