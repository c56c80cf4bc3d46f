-- Orleans reminders on PostgreSQL (Microsoft.Orleans.Reminders.AdoNet, Invariant "Npgsql").
--
-- Design: one row per (service, grain, reminder name). GrainHash is the grain's uniform hash as Orleans sends it
-- (the unsigned ring position cast to a signed integer); each silo reads the rows of its ring range, and a range
-- that wraps past the end of the ring is read with ReadRangeRows2Key (hash > begin OR hash <= end) instead of
-- ReadRangeRows1Key (begin < hash <= end). Period is in milliseconds. Version is the ETag: 0 on insert, +1 on
-- every upsert; a delete must name the current version.
-- GrainId is varchar(512) rather than Orleans' 150: Orleans stores GrainId.ToString() ("type/key"), and string keys
-- can be long.
--
-- Idempotent; apply after Main.sql:
--   psql "$CONN" -v ON_ERROR_STOP=1 -1 -f Reminders.sql

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId varchar(150) NOT NULL,
    GrainId varchar(512) NOT NULL,
    ReminderName varchar(150) NOT NULL,
    StartTime timestamptz(3) NOT NULL,
    Period bigint NOT NULL,
    GrainHash integer NOT NULL,
    Version integer NOT NULL,

    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Looked up first rather than "CREATE INDEX IF NOT EXISTS", which would lock the table against writes (see
-- Persistence.sql) every time a silo starts.
DO $do$
BEGIN
    IF to_regclass('ix_orleansreminderstable_grainhash') IS NULL THEN
        CREATE INDEX ix_orleansreminderstable_grainhash ON OrleansRemindersTable (ServiceId, GrainHash);
    END IF;
END
$do$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey', $query$
INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
SET StartTime = EXCLUDED.StartTime, Period = EXCLUDED.Period, GrainHash = EXCLUDED.GrainHash,
    Version = r.Version + 1
RETURNING r.Version AS Version;
$query$),

('ReadReminderRowsKey', $query$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId;
$query$),

('ReadReminderRowKey', $query$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;
$query$),

('ReadRangeRows1Key', $query$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
$query$),

('ReadRangeRows2Key', $query$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$query$),

-- Answers 1 when the row with that version was deleted, 0 when the version was stale or the row is gone.
('DeleteReminderRowKey', $query$
WITH deleted AS (
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
    RETURNING 1)
SELECT count(*)::integer AS row_count FROM deleted;
$query$),

('DeleteReminderRowsKey', $query$
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
