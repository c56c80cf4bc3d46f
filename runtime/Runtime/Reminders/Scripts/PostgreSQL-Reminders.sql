-- Marketplace reminders table, PostgreSQL (Orleans' OrleansRemindersTable layout).
-- Applied by AdoNetReminderTable.InitAsync when CreateSchema = true (the default); idempotent, safe to rerun.
-- Operators who run it by hand: psql -d <database> -f PostgreSQL-Reminders.sql, then set CreateSchema = false.
-- Column meaning: see SQLite-Reminders.sql. Differences from Orleans' script: GrainId is varchar(512) (our ids are
-- "type/key" text) and GrainHash is bigint holding the unsigned hash, so ring ranges compare in ring order.
-- Upsert and delete are plain statements issued by the provider (INSERT ... ON CONFLICT, DELETE ... WHERE Version).
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId varchar(150) NOT NULL,
    GrainId varchar(512) NOT NULL,
    ReminderName varchar(150) NOT NULL,
    StartTime timestamptz(3) NOT NULL,
    Period bigint NOT NULL,
    GrainHash bigint NOT NULL,
    Version integer NOT NULL,
    CONSTRAINT pk_reminderstable_serviceid_grainid_remindername PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS ix_reminderstable_grainhash ON OrleansRemindersTable (ServiceId, GrainHash);
