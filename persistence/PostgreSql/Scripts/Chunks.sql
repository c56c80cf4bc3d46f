-- The chunks of every blob a client stored in a PostgreSQL cluster (not an Orleans table).
--
-- A row is one chunk, keyed by the SHA-256 of its bytes: written once by whichever silo received it (a second write
-- of the same bytes changes nothing, unless the stored copy no longer hashes to its key, which it then replaces),
-- read by any silo, checked against its key on every read. So a cluster keeps its blobs in its one stateful service
-- and pg_dump backs them up with everything else. Data is stored out of line without compression (chunks are
-- mostly incompressible, and trying costs CPU on every write).
--
-- Each stored blob references its chunks (MarketplaceBlobChunkRefs, one row per blob and chunk, written before the
-- blob's record and removed after it is cleared). A chunk no blob references is deleted once its StoredAt (renewed by
-- every write of the same bytes) is older than the grace. When the reference table is first created, every chunk
-- stored until then gets the reference 'before-collection', so nothing stored before references existed is collected.
--
-- Idempotent; applied after the Orleans scripts.
--   psql "$CONN" -v ON_ERROR_STOP=1 -1 -f Chunks.sql

CREATE TABLE IF NOT EXISTS MarketplaceBlobChunks
(
    Hash bytea NOT NULL,
    Size integer NOT NULL,
    Data bytea NOT NULL,
    StoredAt timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT MarketplaceBlobChunks_Key PRIMARY KEY (Hash)
);

ALTER TABLE MarketplaceBlobChunks ALTER COLUMN Data SET STORAGE EXTERNAL;

CREATE INDEX IF NOT EXISTS MarketplaceBlobChunks_StoredAt ON MarketplaceBlobChunks (StoredAt);

DO $$
BEGIN
    IF to_regclass('marketplaceblobchunkrefs') IS NULL THEN
        CREATE TABLE MarketplaceBlobChunkRefs
        (
            Hash bytea NOT NULL,
            BlobId text NOT NULL,

            CONSTRAINT MarketplaceBlobChunkRefs_Key PRIMARY KEY (Hash, BlobId)
        );
        INSERT INTO MarketplaceBlobChunkRefs (Hash, BlobId) SELECT Hash, 'before-collection' FROM MarketplaceBlobChunks;
    END IF;
END
$$;
