-- Orleans' grain directory on PostgreSQL (PostgreSqlGrainDirectory: the statements are in that class).
--
-- Design: one row per (cluster, directory, grain): where the grain's single activation lives. A grain registers when
-- it activates: the insert wins, or the row already there is answered unchanged (the caller then forwards to that
-- activation). It unregisters when it deactivates (only its own activation id), and the rows of silos declared dead
-- are dropped together. Silos read the row by primary key, so no silo's death stands between a grain and the
-- directory: a cluster whose directory lives on the silos themselves cannot place a grain whose directory range
-- belonged to a silo that died, until the silo is declared dead.
-- GrainId is varchar(512) as in Reminders.sql (GrainId.ToString(), "type/key").
--
-- Idempotent; apply after Main.sql:
--   psql "$CONN" -v ON_ERROR_STOP=1 -1 -f GrainDirectory.sql

CREATE TABLE IF NOT EXISTS OrleansGrainDirectory
(
    ClusterId varchar(150) NOT NULL,
    ProviderId varchar(150) NOT NULL,
    GrainId varchar(512) NOT NULL,
    SiloAddress varchar(100) NOT NULL,
    ActivationId varchar(100) NOT NULL,
    MembershipVersion bigint NOT NULL,
    CreatedOn timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT PK_OrleansGrainDirectory PRIMARY KEY (ClusterId, ProviderId, GrainId)
);

-- Dropping a dead silo's rows looks them up by silo.
DO $do$
BEGIN
    IF to_regclass('ix_orleansgraindirectory_siloaddress') IS NULL THEN
        CREATE INDEX ix_orleansgraindirectory_siloaddress ON OrleansGrainDirectory (ClusterId, ProviderId, SiloAddress);
    END IF;
END
$do$;
