-- Orleans' ADO.NET query registry for PostgreSQL.
--
-- Orleans' ADO.NET providers (clustering, grain storage, reminders) do not embed SQL: at start each provider reads
-- "SELECT QueryKey, QueryText FROM OrleansQuery" and afterwards runs the text stored under a fixed key, binding
-- named parameters (@DeploymentId, @GrainIdHash, ...) and reading result columns by name. The other scripts in this
-- folder create their tables and register their keys here. A provider whose key is missing fails at silo start.
--
-- Idempotent: apply first, before Clustering.sql, Persistence.sql and Reminders.sql; rerunning changes nothing.
--   psql "$CONN" -v ON_ERROR_STOP=1 -1 -f Main.sql

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
