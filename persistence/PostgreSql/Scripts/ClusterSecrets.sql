-- Values created once per cluster and read by every silo (not an Orleans table): the development API key.
--
-- The first silo to start inserts its candidate; every later one, and every one racing it, reads the stored value,
-- so all silos of the cluster agree without a shared file. Rows are never updated by the silos; an operator rotates
-- a value by deleting its row and restarting the silos.
--
-- Idempotent; applied after the Orleans scripts.
--   psql "$CONN" -v ON_ERROR_STOP=1 -1 -f ClusterSecrets.sql

CREATE TABLE IF NOT EXISTS MarketplaceClusterSecrets
(
    Name varchar(64) NOT NULL,
    Value text NOT NULL,
    CreatedAt timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT MarketplaceClusterSecrets_Key PRIMARY KEY (Name)
);
