-- Marketplace grain state storage, SQLite (Orleans' OrleansStorage layout).
-- Applied by AdoNetGrainStorage at start when CreateSchema = true (the default); idempotent, safe to rerun.
-- The provider also sets PRAGMA journal_mode = WAL on the file before running this script.
--
-- One row per (service, grain, state name). Key mapping (see runtime/README-persistence.md):
--   grainidhash            GrainId.GetUniformHashCode() as a signed 32-bit integer
--   grainidn0, grainidn1   always 0 (our grain keys are strings; kept for layout compatibility)
--   graintypehash          StableHash.Of(state name) as a signed 32-bit integer
--   graintypestring        the state name given to IGrainStorage (as Orleans does)
--   grainidextensionstring the grain id in its "type/key" form
--   serviceid              AdoNetGrainStorageOptions.ServiceId
--   payloadbinary          the serialized state; NULL after a clear
--   modifiedon             UTC time of the last write or clear
--   version                the ETag: 1 on insert, +1 on every write and clear
-- There is no primary key: the hashes narrow the index, the string columns resolve hash collisions.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    grainidhash INTEGER NOT NULL,
    grainidn0 INTEGER NOT NULL,
    grainidn1 INTEGER NOT NULL,
    graintypehash INTEGER NOT NULL,
    graintypestring TEXT NOT NULL,
    grainidextensionstring TEXT,
    serviceid TEXT NOT NULL,
    payloadbinary BLOB,
    modifiedon TEXT NOT NULL,
    version INTEGER
);

CREATE INDEX IF NOT EXISTS ix_orleansstorage ON OrleansStorage (grainidhash, graintypehash);
