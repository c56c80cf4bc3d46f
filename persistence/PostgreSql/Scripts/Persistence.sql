-- Orleans grain state on PostgreSQL (Microsoft.Orleans.Persistence.AdoNet, Invariant "Npgsql").
--
-- Design: one row per (service, grain type, grain id, key extension). Orleans hashes the grain id and the grain
-- type to two integers; the index narrows on them and the string/number columns resolve hash collisions, so there
-- is no primary key. The ETag is the integer "version": every successful write or clear adds one, and a write
-- carrying an older version changes nothing, which Orleans reports as InconsistentStateException.
--
-- Result contract (read by column name):
--   WriteToStorageKey  -> NewGrainStateVersion: the new version, or the version sent (update lost) / NULL (insert
--                         lost) when the compare-and-set failed.
--   ReadFromStorageKey -> PayloadBinary, Version (no row: the grain starts from its default state).
--   ClearStorageKey    -> the new version (payload set to NULL, row kept); no row when the version was stale.
--   DeleteStorageKey   -> used instead of ClearStorageKey when DeleteStateOnClear = true; deletes the row.
--
-- Idempotent; apply after Main.sql:
--   psql "$CONN" -v ON_ERROR_STOP=1 -1 -f Persistence.sql

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    grainidhash integer NOT NULL,
    grainidn0 bigint NOT NULL,
    grainidn1 bigint NOT NULL,
    graintypehash integer NOT NULL,
    graintypestring varchar(512) NOT NULL,
    grainidextensionstring varchar(512),
    serviceid varchar(150) NOT NULL,
    payloadbinary bytea,
    modifiedon timestamp NOT NULL,
    version integer
);

-- Not "CREATE INDEX IF NOT EXISTS": that takes a SHARE lock on the table before it finds the index, and the lock is
-- held until the applying transaction commits, blocking the grain writes of running silos while a new one starts.
DO $do$
BEGIN
    IF to_regclass('ix_orleansstorage') IS NULL THEN
        CREATE INDEX ix_orleansstorage ON OrleansStorage USING btree (grainidhash, graintypehash);
    END IF;
END
$do$;

-- Grain states above 2 KB are compressed when stored, and some (the settlement's, a program state's checkpoint) are
-- tens of KB written several times a second: lz4 compresses them about ten times faster than PostgreSQL's default
-- pglz, whose compression was the server's busiest function under a job stream. Asked once (the ALTER takes a
-- short exclusive lock, so it runs only while the column still has another method); a server built without lz4
-- keeps pglz.
DO $do$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = 'orleansstorage'::regclass AND attname = 'payloadbinary' AND attcompression <> 'l') THEN
        ALTER TABLE OrleansStorage ALTER COLUMN payloadbinary SET COMPRESSION lz4;
    END IF;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available on this server: grain states stay compressed with pglz';
END
$do$;

-- Writes one grain state. A NULL p_expected_version means "the grain never saw a row": insert, unless a row already
-- exists. Without a unique key two concurrent inserts could both pass a NOT EXISTS check under READ COMMITTED, so
-- writers of one (grain hash, type hash) pair are serialised by a transaction-scoped advisory lock; the INSERT then
-- runs with a fresh snapshot that sees a committed rival.
CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grain_id_hash integer,
    p_grain_id_n0 bigint,
    p_grain_id_n1 bigint,
    p_grain_type_hash integer,
    p_grain_type text,
    p_key_extension text,
    p_service_id text,
    p_expected_version integer,
    p_payload bytea)
RETURNS integer
LANGUAGE plpgsql
AS $body$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NOT NULL THEN
        UPDATE OrleansStorage
        SET payloadbinary = p_payload, modifiedon = (now() AT TIME ZONE 'utc'), version = version + 1
        WHERE grainidhash = p_grain_id_hash AND graintypehash = p_grain_type_hash
          AND grainidn0 = p_grain_id_n0 AND grainidn1 = p_grain_id_n1
          AND graintypestring = p_grain_type
          AND grainidextensionstring IS NOT DISTINCT FROM p_key_extension
          AND serviceid = p_service_id
          AND version = p_expected_version
        RETURNING version INTO v_new_version;
        -- Lost the compare-and-set: answer the version the grain sent, which Orleans reads as a conflict.
        RETURN coalesce(v_new_version, p_expected_version);
    END IF;

    PERFORM pg_advisory_xact_lock(p_grain_id_hash, p_grain_type_hash);

    INSERT INTO OrleansStorage
        (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
         payloadbinary, modifiedon, version)
    SELECT p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type, p_key_extension,
           p_service_id, p_payload, (now() AT TIME ZONE 'utc'), 1
    WHERE NOT EXISTS (
        SELECT 1 FROM OrleansStorage
        WHERE grainidhash = p_grain_id_hash AND graintypehash = p_grain_type_hash
          AND grainidn0 = p_grain_id_n0 AND grainidn1 = p_grain_id_n1
          AND graintypestring = p_grain_type
          AND grainidextensionstring IS NOT DISTINCT FROM p_key_extension
          AND serviceid = p_service_id)
    RETURNING version INTO v_new_version;
    -- NULL when a row already existed: another activation wrote first.
    RETURN v_new_version;
END
$body$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', $query$
SELECT orleans_storage_write(
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId,
    @GrainStateVersion, @PayloadBinary) AS NewGrainStateVersion;
$query$),

('ReadFromStorageKey', $query$
SELECT payloadbinary AS PayloadBinary, version AS Version
FROM OrleansStorage
WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
  AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND graintypestring = @GrainTypeString
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
  AND serviceid = @ServiceId;
$query$),

('ClearStorageKey', $query$
UPDATE OrleansStorage
SET payloadbinary = NULL, modifiedon = (now() AT TIME ZONE 'utc'), version = version + 1
WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
  AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND graintypestring = @GrainTypeString
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
  AND serviceid = @ServiceId
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;
$query$),

-- Answers the deleted version + 1 so Orleans sees the version move (it then drops the ETag).
('DeleteStorageKey', $query$
DELETE FROM OrleansStorage
WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
  AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND graintypestring = @GrainTypeString
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
  AND serviceid = @ServiceId
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
