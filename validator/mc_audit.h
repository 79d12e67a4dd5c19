/* The audit trail: one SQLite database of events (docs/audit.md), appended
 * by every run, validate, reproduce, sign, verify and certify.
 *
 * Tamper evidence: each event stores the previous event's hash and its own,
 * SHA-256 over the canonical JSON (RFC 8785) of all its fields, id included.
 * Triggers refuse UPDATE and DELETE; mc_audit_verify recomputes the chain
 * and names the first broken link, so an edited field, a deleted, inserted
 * or reordered event is found even when the file was edited directly with
 * the triggers dropped. Removing events from the end, or rewriting the whole
 * chain, needs an anchor kept elsewhere: the head hash (mc_audit_verify's
 * `expect_head`). */
#ifndef MC_AUDIT_H
#define MC_AUDIT_H

#include <jansson.h>
#include <stddef.h>

#include "mc_hash.h"

typedef struct mc_audit mc_audit;

typedef struct mc_audit_event {
    long long id;                 /* set by append: 1, 2, 3, ... */
    char time[32];                /* set by append: UTC, 2026-11-28T14:00:00.123Z */
    const char *actor, *host, *tool_version, *command, *kind;
    const char *spec_digest, *data_digest, *model_digest; /* NULL when not applicable */
    const char *verdict;
    const char *details;          /* canonical JSON object text; NULL: {} */
    char prev_hash[MC_SHA256_HEX_LEN + 1];
    char hash[MC_SHA256_HEX_LEN + 1];
} mc_audit_event;

/* Opens (creating the file, its directory and schema when needed) with WAL
 * journaling and a busy timeout, so concurrent writers wait their turn. */
int mc_audit_open(mc_audit **out, const char *path);
/* Opens an existing database read-only (MC_ENOTFOUND when missing). */
int mc_audit_open_readonly(mc_audit **out, const char *path);
void mc_audit_close(mc_audit *a);

/* Appends one event in one transaction; fills id, time and the hashes.
 * actor, host and tool_version default to mc_audit_actor(), the host name
 * and the running version when NULL. */
int mc_audit_append(mc_audit *a, mc_audit_event *ev);
/* Appends n events in one transaction (all or none): for imports and bulk
 * loads, where one commit per event would be too slow. */
int mc_audit_append_batch(mc_audit *a, mc_audit_event *evs, size_t n);

typedef struct mc_audit_verify_result {
    long long events;
    long long first_bad;          /* 0 when the chain is intact */
    char reason[512];
    char head[MC_SHA256_HEX_LEN + 1]; /* the last event's hash (64 zeros when empty) */
} mc_audit_verify_result;

/* Recomputes every hash and link. expect_head (or NULL) is an anchor kept
 * outside the database: the chain must end there. */
int mc_audit_verify(mc_audit *a, mc_audit_verify_result *res, const char *expect_head);

typedef struct mc_audit_filter {
    const char *model_digest, *spec_digest, *since, *kind;
    long long id; /* 0: any */
} mc_audit_filter;

/* Events matching the filter, oldest first, as JSON objects (details parsed). */
int mc_audit_query(mc_audit *a, const mc_audit_filter *f, json_t **events);

/* The actor: GITHUB_ACTOR, GITLAB_USER_LOGIN or BUILD_USER from the CI
 * environment, else the OS user. */
void mc_audit_actor(char *buf, size_t size);

/* The canonical encoding an event's hash covers (caller frees). */
int mc_audit_event_canonical(char **out, size_t *len, const mc_audit_event *ev);

#endif
