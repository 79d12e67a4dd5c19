/* The PostgreSQL store's own declarations (not part of audit/'s interface): the connection
 * and the helpers that mc_audit_pg.c (reading and appending) and mc_audit_pg_init.c
 * (`audit init` and its roles' check) share. */
#ifndef MC_AUDIT_PG_H
#define MC_AUDIT_PG_H

#include <libpq-fe.h>

#include "mc_audit_store.h"

/* What every transaction sets for itself (SET LOCAL: nothing outlives it, so a pooled server
 * connection carries nothing to its next client): no search path (every name is qualified)
 * and the 60-second lock timeout SQLite's busy timeout gives. */
#define MC_AUDIT_PG_TXN_SETTINGS " SET LOCAL search_path = ''; SET LOCAL lock_timeout = '60s';"

struct mc_audit_store {
    PGconn *conn;
    char *shown;  /* the location as messages show it: no password */
    int readonly; /* opened read-only: no append */
};

/* Connects to uri (no statement is run unless the client encoding must be set). */
int mc_audit_pg_connect(mc_audit_store **out, const char *uri, const char *shown, int readonly);
void mc_audit_pg_close(mc_audit_store *s);
/* The schema version is 1 (MC_ENOTFOUND: no trail there). standalone: in a read-only
 * transaction of its own, else in the caller's. */
int mc_audit_pg_check_version(mc_audit_store *s, int standalone);
/* The error of result r (NULL: the connection's), as "audit database S: what: message". */
int mc_audit_pg_error(mc_audit_store *s, const PGresult *r, const char *what);
/* Runs sql (one or more statements, no parameters); MC_OK when all succeeded. */
int mc_audit_pg_exec(mc_audit_store *s, const char *sql, const char *what);
/* Ends a failed transaction (its own failure changes nothing for the caller). */
void mc_audit_pg_rollback(mc_audit_store *s);
/* The store's init (mc_audit_store_ops): the schema, roles and triggers, or checks them. */
int mc_audit_pg_init(const char *uri, const char *shown);

#endif
