-- Grain state table, SQLite, in the layout of Orleans' OrleansStorage table.
-- Applied by SqliteGrainStorage when the silo starts (and before the first operation); idempotent, safe to rerun.
-- The provider sets PRAGMA journal_mode = WAL on the file before running this script.
--
-- One row per (service, grain, state name):
--   grainidhash            GrainId.GetUniformHashCode() as a signed 32-bit integer
--   grainidn0, grainidn1   always 0 (the whole grain id is kept in grainidextensionstring)
--   graintypehash          Orleans.StableHash.ComputeHash(state name) as a signed 32-bit integer
--   graintypestring        the state name given to IGrainStorage (as in Orleans' layout)
--   grainidextensionstring the grain id in its "type/key" text form
--   serviceid              the service id (ClusterOptions.ServiceId unless the options override it)
--   payloadbinary          the serialized state; NULL after a clear
--   modifiedon             UTC time of the last write or clear
--   version                the ETag: 1 on insert, +1 on every write and clear
-- There is no primary key, as in Orleans: the hashes narrow the index, the text columns resolve hash collisions.
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
