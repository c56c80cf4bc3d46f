-- Marketplace grain state storage, PostgreSQL (Orleans' OrleansStorage layout).
-- Applied by AdoNetGrainStorage at start when CreateSchema = true (the default); idempotent, safe to rerun.
-- Operators who run it by hand: psql -d <database> -f PostgreSQL-Persistence.sql, then set CreateSchema = false.
--
-- Column meaning and key mapping: see SQLite-Persistence.sql and runtime/README-persistence.md.
-- There is no primary key: the hashes narrow the index, the string columns resolve hash collisions.
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

CREATE INDEX IF NOT EXISTS ix_orleansstorage ON OrleansStorage USING btree (grainidhash, graintypehash);

-- Insert-if-absent for a write without ETag. Without a unique key two concurrent "INSERT ... WHERE NOT EXISTS"
-- could both succeed under READ COMMITTED, so inserts of one (grain hash, state hash) are serialised by a
-- transaction-scoped advisory lock; the INSERT then runs with a fresh snapshot that sees any committed rival.
-- Returns 1 (the new version) when the row was inserted, NULL when a row already existed.
-- Conditional updates, clears and deletes are plain statements ("... WHERE version = @version") issued by the
-- provider; PostgreSQL's row locks already make them compare-and-set.
CREATE OR REPLACE FUNCTION insert_grain_state(
    _grainidhash integer,
    _grainidn0 bigint,
    _grainidn1 bigint,
    _graintypehash integer,
    _graintypestring text,
    _grainidextensionstring text,
    _serviceid text,
    _payloadbinary bytea)
RETURNS integer
LANGUAGE plpgsql
AS $function$
DECLARE
    _inserted integer;
BEGIN
    PERFORM pg_advisory_xact_lock(_grainidhash, _graintypehash);

    INSERT INTO OrleansStorage
        (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
         payloadbinary, modifiedon, version)
    SELECT _grainidhash, _grainidn0, _grainidn1, _graintypehash, _graintypestring, _grainidextensionstring, _serviceid,
           _payloadbinary, (now() AT TIME ZONE 'utc'), 1
    WHERE NOT EXISTS (
        SELECT 1 FROM OrleansStorage
        WHERE grainidhash = _grainidhash AND graintypehash = _graintypehash
          AND grainidn0 = _grainidn0 AND grainidn1 = _grainidn1
          AND graintypestring = _graintypestring AND grainidextensionstring = _grainidextensionstring
          AND serviceid = _serviceid);

    GET DIAGNOSTICS _inserted = ROW_COUNT;
    IF _inserted = 0 THEN
        RETURN NULL;
    END IF;
    RETURN 1;
END
$function$;
