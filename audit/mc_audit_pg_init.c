/* `modelcert audit init` on PostgreSQL (mc_audit_pg.h; the store itself is mc_audit_pg.c):
 * the schema `modelcert`, its three roles and its append-only triggers, made in one
 * transaction under an advisory lock (transaction-scoped: pooling-safe), or an existing
 * version-1 trail left as it is, with the writers' lock table added when it predates it;
 * either way the roles are checked to have no more rights than the design gives
 * (docs/audit.md, "PostgreSQL"). */
#include <string.h>

#include "mc_audit_pg.h"
#include "mc_error.h"

/* "mc_audit" as a big-endian 64-bit number: the advisory lock `audit init` takes (any role
 * could take it: writers take the row lock below, which only the append role may). */
#define INIT_LOCK_SQL "SELECT pg_catalog.pg_advisory_xact_lock(7882248645014481268)"
/* The writers' lock table (see LOCK_SQL): made by `audit init`, also on a trail made
 * before it existed. */
static const char lock_table_sql[] =
    "CREATE TABLE modelcert.append_lock(id int PRIMARY KEY CHECK (id = 1));"
    "INSERT INTO modelcert.append_lock(id) VALUES (1);"
    "CREATE TRIGGER append_lock_no_change BEFORE UPDATE OR DELETE ON modelcert.append_lock"
    "  FOR EACH ROW EXECUTE FUNCTION modelcert.refuse_change();"
    "CREATE TRIGGER append_lock_no_truncate BEFORE TRUNCATE ON modelcert.append_lock"
    "  FOR EACH STATEMENT EXECUTE FUNCTION modelcert.refuse_change();"
    "ALTER TABLE modelcert.append_lock OWNER TO modelcert_owner;"
    "REVOKE ALL ON modelcert.append_lock FROM PUBLIC;"
    "GRANT SELECT, UPDATE ON modelcert.append_lock TO modelcert_append;";

static const char init_sql[] =
    "DO $$ BEGIN"
    "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'modelcert_owner') THEN"
    "    CREATE ROLE modelcert_owner NOLOGIN; END IF;"
    "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'modelcert_append') THEN"
    "    CREATE ROLE modelcert_append NOLOGIN; END IF;"
    "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'modelcert_read') THEN"
    "    CREATE ROLE modelcert_read NOLOGIN; END IF;"
    "END $$;"
    "CREATE SCHEMA modelcert;"
    "CREATE TABLE modelcert.meta(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE modelcert.events("
    "  id bigint PRIMARY KEY CHECK (id >= 1),"
    "  time text NOT NULL, actor text NOT NULL, host text NOT NULL, tool_version text NOT NULL,"
    "  command text NOT NULL, kind text NOT NULL,"
    "  spec_digest text, data_digest text, model_digest text,"
    "  verdict text NOT NULL, details text NOT NULL,"
    "  prev_hash text NOT NULL UNIQUE," /* two events after one head: a fork, refused */
    "  hash text NOT NULL UNIQUE);"
    "CREATE INDEX events_model ON modelcert.events(model_digest);"
    "CREATE INDEX events_spec ON modelcert.events(spec_digest);"
    "CREATE FUNCTION modelcert.refuse_change() RETURNS trigger LANGUAGE plpgsql"
    "  SET search_path = '' AS $f$ BEGIN"
    "  RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP; END $f$;"
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON modelcert.events"
    "  FOR EACH ROW EXECUTE FUNCTION modelcert.refuse_change();"
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON modelcert.events"
    "  FOR EACH STATEMENT EXECUTE FUNCTION modelcert.refuse_change();"
    "CREATE TRIGGER meta_append_only BEFORE UPDATE OR DELETE ON modelcert.meta"
    "  FOR EACH ROW EXECUTE FUNCTION modelcert.refuse_change();"
    "CREATE TRIGGER meta_no_truncate BEFORE TRUNCATE ON modelcert.meta"
    "  FOR EACH STATEMENT EXECUTE FUNCTION modelcert.refuse_change();"
    "INSERT INTO modelcert.meta(key, value) VALUES ('schema_version', '" MC_AUDIT_SCHEMA_VERSION "');"
    "ALTER SCHEMA modelcert OWNER TO modelcert_owner;"
    "ALTER TABLE modelcert.meta OWNER TO modelcert_owner;"
    "ALTER TABLE modelcert.events OWNER TO modelcert_owner;"
    "ALTER FUNCTION modelcert.refuse_change() OWNER TO modelcert_owner;"
    "REVOKE ALL ON SCHEMA modelcert FROM PUBLIC;"
    "REVOKE ALL ON ALL TABLES IN SCHEMA modelcert FROM PUBLIC;"
    "REVOKE ALL ON FUNCTION modelcert.refuse_change() FROM PUBLIC;"
    "GRANT USAGE ON SCHEMA modelcert TO modelcert_append, modelcert_read;"
    "GRANT SELECT, INSERT ON modelcert.events TO modelcert_append;"
    "GRANT SELECT ON modelcert.meta TO modelcert_append;"
    "GRANT SELECT ON modelcert.events, modelcert.meta TO modelcert_read;";

/* The rights the design gives the three roles (docs/audit.md), and nothing more: none of
 * the role attributes, no membership in another role (it would inherit that role's
 * rights), no CREATE on the schema, and only the table rights granted by init_sql and
 * lock_table_sql. Each row of the query is one right too many: (role, right, rank), the
 * attributes and memberships (the causes) first. */
static const char roles_sql[] =
    "WITH r(role) AS (VALUES ('modelcert_owner'), ('modelcert_append'), ('modelcert_read')),"
    " design(role, tab, priv) AS (VALUES ('modelcert_append', 'modelcert.events', 'SELECT'),"
    "  ('modelcert_append', 'modelcert.events', 'INSERT'),"
    "  ('modelcert_append', 'modelcert.meta', 'SELECT'),"
    "  ('modelcert_append', 'modelcert.append_lock', 'SELECT'),"
    "  ('modelcert_append', 'modelcert.append_lock', 'UPDATE'),"
    "  ('modelcert_read', 'modelcert.events', 'SELECT'),"
    "  ('modelcert_read', 'modelcert.meta', 'SELECT'))"
    " SELECT g.rolname::text, a.what, 1 FROM pg_catalog.pg_roles g, LATERAL (VALUES"
    "  (g.rolsuper, 'SUPERUSER'), (g.rolcreaterole, 'CREATEROLE'), (g.rolcreatedb, 'CREATEDB'),"
    "  (g.rolcanlogin, 'LOGIN'), (g.rolreplication, 'REPLICATION'),"
    "  (g.rolbypassrls, 'BYPASSRLS')) a(has, what)"
    "  WHERE g.rolname IN (SELECT role FROM r) AND a.has"
    " UNION ALL SELECT m.rolname::text, 'membership in role ' || o.rolname, 2"
    "  FROM pg_catalog.pg_auth_members x JOIN pg_catalog.pg_roles o ON o.oid = x.roleid"
    "  JOIN pg_catalog.pg_roles m ON m.oid = x.member WHERE m.rolname IN (SELECT role FROM r)"
    " UNION ALL SELECT r.role, 'CREATE on schema modelcert', 3 FROM r"
    "  WHERE r.role <> 'modelcert_owner'"
    "  AND pg_catalog.has_schema_privilege(r.role, 'modelcert', 'CREATE')"
    " UNION ALL SELECT r.role, v.priv || ' on ' || t.tab, 4 FROM r"
    "  CROSS JOIN (VALUES ('modelcert.events'), ('modelcert.meta'),"
    "   ('modelcert.append_lock')) t(tab)"
    "  CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'),"
    "   ('REFERENCES'), ('TRIGGER')) v(priv)"
    "  WHERE r.role <> 'modelcert_owner'"
    "  AND pg_catalog.has_table_privilege(r.role, t.tab, v.priv)"
    "  AND (r.role, t.tab, v.priv) NOT IN (SELECT role, tab, priv FROM design)"
    " ORDER BY 3, 1, 2";

/* MC_EINPUT naming the first role with a right the design does not give it: `audit init`
 * reuses roles that exist already, and must not hand a trail to one that can do more. */
static int check_roles(mc_audit_store *s)
{
    PGresult *r = PQexec(s->conn, roles_sql);
    int rc = r && PQresultStatus(r) == PGRES_TUPLES_OK
                 ? MC_OK
                 : mc_audit_pg_error(s, r, "cannot read its roles' rights");
    if (rc == MC_OK && PQntuples(r) > 0)
        rc = mc_error_set(MC_EINPUT, "audit database %s: role %.64s has %.200s, a right the "
                          "design does not give it (docs/audit.md): revoke it or drop the role, "
                          "then run audit init again (%d such right%s)", s->shown,
                          PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQntuples(r),
                          PQntuples(r) == 1 ? "" : "s");
    PQclear(r);
    return rc;
}

/* *yes: whether `query` (one boolean) returned true. */
static int ask(mc_audit_store *s, const char *query, const char *what, int *yes)
{
    PGresult *r = PQexec(s->conn, query);
    int rc = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQnfields(r) == 1
                 ? MC_OK
                 : mc_audit_pg_error(s, r, what);
    if (rc == MC_OK)
        *yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return rc;
}

/* Makes the trail, or leaves an existing version-1 trail as it is (adding the writers'
 * lock table if it predates it); either way its roles must have the design's rights. */
int mc_audit_pg_init(const char *uri, const char *shown)
{
    mc_audit_store *s = NULL;
    int exists = 0, locked = 0;
    int rc = mc_audit_pg_connect(&s, uri, shown, 0);
    if (rc)
        return rc;
    if ((rc = mc_audit_pg_exec(s, "BEGIN;" MC_AUDIT_PG_TXN_SETTINGS,
                               "cannot start a transaction")) ||
        (rc = mc_audit_pg_exec(s, INIT_LOCK_SQL, "cannot lock the trail")) ||
        (rc = ask(s, "SELECT pg_catalog.to_regnamespace('modelcert') IS NOT NULL",
                  "cannot look for the schema", &exists)))
        goto rollback;
    if (exists)
        rc = mc_audit_pg_check_version(s, 0);
    else
        rc = mc_audit_pg_exec(s, init_sql, "cannot create the trail (init needs a superuser)");
    if (rc || (rc = ask(s, "SELECT pg_catalog.to_regclass('modelcert.append_lock') IS NOT NULL",
                        "cannot look for the writers' lock", &locked)) ||
        (!locked && (rc = mc_audit_pg_exec(s, lock_table_sql, "cannot create the writers' "
                                           "lock (init needs a superuser)"))) ||
        (rc = check_roles(s)))
        goto rollback;
    if ((rc = mc_audit_pg_exec(s, "COMMIT", "cannot commit the new trail")) == MC_OK)
        goto cleanup;
rollback:
    mc_audit_pg_rollback(s);
cleanup:
    mc_audit_pg_close(s);
    return rc;
}
