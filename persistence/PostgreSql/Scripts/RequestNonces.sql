-- The nonces of signed HTTP requests, recorded by every silo of the cluster (not an Orleans table).
--
-- A silo records a signed request's (key id, nonce) here once its signature verified and before the request acts;
-- a second record of the same pair before its expiry finds the row and is refused as a replay, on whichever silo it
-- arrives. Rows expire after twice the signature skew and are deleted by the silos as they go. The primary key's
-- B-tree spreads random nonces over its pages, so concurrent records do not meet on one row or page.
--
-- Idempotent; applied after the Orleans scripts.
--   psql "$CONN" -v ON_ERROR_STOP=1 -1 -f RequestNonces.sql

CREATE TABLE IF NOT EXISTS MarketplaceRequestNonces
(
    KeyId varchar(64) NOT NULL,
    Nonce varchar(64) NOT NULL,
    ExpiresAt timestamptz NOT NULL,

    CONSTRAINT MarketplaceRequestNonces_Key PRIMARY KEY (KeyId, Nonce)
);

CREATE INDEX IF NOT EXISTS MarketplaceRequestNonces_ExpiresAt ON MarketplaceRequestNonces (ExpiresAt);
