/* The audit trail: one database of events (docs/audit.md), appended by
 * every run, validate, reproduce, sign, verify and certify: an SQLite file,
 * or a PostgreSQL database named by a postgresql:// URI (mc_audit_store.h:
 * one storage interface, the chain logic below shared by both).
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

#include "mc_audit_types.h"
#include "mc_hash.h"

/* Opens the trail at `path`: an SQLite file (created, with its directory and
 * schema, when needed; WAL journaling and a busy timeout, so concurrent
 * writers wait their turn), or a postgresql:// URI (whose schema `audit init`
 * made: MC_ENOTFOUND when there is none). Close with mc_audit_close.
 * MC_EINPUT when it is not a modelcert trail, MC_EIO, MC_ENOMEM. */
int mc_audit_open(mc_audit **out, const char *path);
/* Opens an existing trail read-only (MC_ENOTFOUND when missing); close
 * with mc_audit_close. */
int mc_audit_open_readonly(mc_audit **out, const char *path);
/* Closes the database; NULL is fine. */
void mc_audit_close(mc_audit *a);
/* The trail as messages show it: a path, or a URI without its password. */
const char *mc_audit_location(const mc_audit *a);

/* The head as stored, not verified (mc_audit_verify first, to vouch for it). */
int mc_audit_head_read(mc_audit *a, mc_audit_head *out);

/* Appends one event in one transaction; fills id, time and the hashes.
 * actor, host and tool_version default to mc_audit_actor(), the host name
 * and the running version when NULL. details (NULL: {}) is stored in
 * canonical form; MC_EINTERNAL when it is not a JSON object, MC_EINPUT when
 * it holds numbers that would not read back exactly (a real from 2^63 up to
 * 1e21 beside an integer beyond 2^53), so that every appended event verifies. */
int mc_audit_append(mc_audit *a, mc_audit_event *ev);
/* As mc_audit_append, only when the head, read under the write lock, is still
 * *expect (its id and hash): the chain up to it need not be verified again.
 * When another writer appended since, nothing is appended and *moved is 1
 * (MC_OK); the caller verifies the chain again and retries. *moved is 0 when
 * the event was appended. Errors as mc_audit_append. */
int mc_audit_append_at(mc_audit *a, mc_audit_event *ev, const mc_audit_head *expect, int *moved);
/* Appends n events in one transaction (all or none): for imports and bulk
 * loads, where one commit per event would be too slow. Errors as
 * mc_audit_append, and MC_EINPUT or MC_EIO from the database. */
int mc_audit_append_batch(mc_audit *a, mc_audit_event *evs, size_t n);

typedef struct mc_audit_verify_result {
    long long events;
    int broken;                   /* 1 when the chain is not intact */
    long long first_bad;          /* when broken: the id of the first bad event, as stored (a
                                     forged id may be 0 or negative); 0 when intact */
    char reason[512];
    char head[MC_SHA256_HEX_LEN + 1]; /* the last event's hash (64 zeros when empty) */
} mc_audit_verify_result;

/* Recomputes every hash and link. expect_head (or NULL) is an anchor kept
 * outside the database: the chain must end there. A broken chain is a
 * result (res->broken), not an error; errors are the database's. */
int mc_audit_verify(mc_audit *a, mc_audit_verify_result *res, const char *expect_head);

/* An event to find while verifying: what a checkpoint names. */
typedef struct mc_audit_anchor {
    long long id;        /* in: the event's id (0: none) */
    int found;           /* out: 1 when the chain, verified up to it, holds event id */
    mc_audit_head event; /* out, when found: its id, recorded hash and time */
} mc_audit_anchor;

/* mc_audit_verify in the same one snapshot, and also: *head (NULL: not
 * wanted) the last event that verified (the head, when the chain is intact;
 * id 0 and 64 zeros when none did), and anchor (NULL: none) filled as it
 * says. So a checkpoint signs the head its own verification saw, never one a
 * concurrent append moved, and a checkpoint is checked in one pass. */
int mc_audit_verify_anchored(mc_audit *a, mc_audit_verify_result *res, const char *expect_head,
                             mc_audit_head *head, mc_audit_anchor *anchor);

/* Called with each event mc_audit_verify_observed has verified (its id, link and hash hold),
 * in id order; ev is valid during the call only. MC_OK goes on, MC_AUDIT_STOP ends the
 * verification there (a result as far as it went), an mc_code is the verification's error. */
typedef int (*mc_audit_verified_fn)(void *ctx, const mc_audit_event *ev);
#define MC_AUDIT_STOP 2

/* mc_audit_verify_anchored (with no expected head), and fn called with every event verified:
 * what a checkpoint's Merkle tree is computed from, in the same pass over one snapshot. */
int mc_audit_verify_observed(mc_audit *a, mc_audit_verify_result *res, mc_audit_head *head,
                             mc_audit_anchor *anchor, mc_audit_verified_fn fn, void *ctx);

/* The check a verb makes before it appends (docs/audit.md, "What a verb checks"), in one
 * snapshot and without reading the trail's past: as mc_audit_verify_anchored, over the
 * events from since->id on (since: a head verified earlier, which anchor may name to check
 * it is still there unchanged), or, since NULL, over the stored head and the event before
 * it: each one's hash recomputed, the head's link to the event before it, the ids
 * consecutive. The first event read is taken to link where it says (the events before it
 * are `audit verify`'s to check). A trail of at most two events is verified whole. A broken
 * check is a result (res->broken), as mc_audit_verify's. */
int mc_audit_verify_recent(mc_audit *a, mc_audit_verify_result *res, const mc_audit_head *since,
                           mc_audit_head *head, mc_audit_anchor *anchor);

/* Events matching the filter, oldest first, as JSON objects (details parsed).
 * Caller owns *events. */
int mc_audit_query(mc_audit *a, const mc_audit_filter *f, json_t **events);


/* The canonical encoding an event's hash covers: RFC 8785 JSON of every
 * field, ev->details (canonical JSON object text, as append stores it; NULL:
 * {}) as an object. Text fields are taken as bytes (a command line need not
 * be UTF-8). Caller frees *out; len may be NULL. MC_EINPUT when details is
 * not a canonical JSON object, MC_ENOMEM. */
int mc_audit_event_canonical(char **out, size_t *len, const mc_audit_event *ev);

/* ---- the trail as the verbs use it, one call each ----------------------------------
 * Where it is: mc_audit_location.c; recording, verifying, listing: mc_audit_trail.c. */

/* The audit database a command uses, one rule for every verb (docs/audit.md,
 * "Where"): `flag` (its --audit value) when given, else $MODELCERT_AUDIT when
 * set and not empty, else audit.db in the nearest existing .modelcert/
 * directory, looked for in the current directory, then its parent, and so up
 * to the root (as git finds its repository); when there is none,
 * .modelcert/audit.db in the current directory (made by the first append).
 * The nearest one is named relative (.modelcert/audit.db) when it is in the
 * current directory, absolute when it is above. Caller frees *out. MC_ENOMEM;
 * MC_EIO when the current directory cannot be read. */
int mc_audit_path(char **out, const char *flag);

/* `path` (a database that may not exist yet, in directories that may not
 * exist yet) as an absolute path: its nearest existing directory resolved
 * with realpath, symbolic links included, the missing names appended. What
 * run.json records as the trail a run's event went to. Caller frees *out.
 * MC_ENOMEM; MC_EIO when a directory cannot be resolved. */
int mc_audit_path_absolute(char **out, const char *path);

/* Whether an event could be appended at `path` now: a missing database is
 * fine (it will be created); an existing one must be a version-1 modelcert
 * trail whose head verifies (mc_audit_verify_recent: the head and the event
 * before it, at a cost independent of the trail's length; the whole chain is
 * mc_audit_verify's) unless MODELCERT_AUDIT_ALLOW_BROKEN=1.
 * Verbs call it before any work, so a broken trail stops them early.
 * MC_EINPUT naming the first broken event, or the database's errors. */
int mc_audit_check_appendable(const char *path);

/* As mc_audit_check_appendable, and on MC_OK *head is the head its
 * verification ended at (id 0 and 64 zeros for a trail that does not exist
 * yet; with a broken chain that MODELCERT_AUDIT_ALLOW_BROKEN=1 allows, the
 * head as stored): what mc_audit_record_after links the verb's event to. */
int mc_audit_check_appendable_at(const char *path, mc_audit_head *head);

/* As mc_audit_check_appendable_at, and, for a PostgreSQL trail, the connection the check
 * used kept open for the append (*kept, opened for appending; close with mc_audit_close, or
 * hand it to mc_audit_record_kept): a verb's trail then costs one connection and one durable
 * commit. *kept is NULL for an SQLite trail (opening a file costs about nothing, and one that
 * does not exist yet is made only by the append) and on error. kept NULL: as
 * mc_audit_check_appendable_at. */
int mc_audit_check_appendable_keep(const char *path, mc_audit_head *head, mc_audit **kept);

/* As mc_audit_record, with the trail checked once per verb, not twice: the
 * event is linked after *head (from mc_audit_check_appendable_at) without
 * checking again while the head, read under the write lock, is still *head.
 * When other writers appended since, the events from *head on are verified
 * (*head must still be there unchanged: events removed or rewritten meanwhile
 * are refused) and the event goes after the new head. On MC_OK *head is the new
 * event. Errors as mc_audit_record. */
int mc_audit_record_after(long long *id, const char *path, mc_audit_head *head,
                          const mc_audit_event *ev, const json_t *details);

/* As mc_audit_record_after, through `kept` (mc_audit_check_appendable_keep's connection,
 * still owned by the caller) when it is not NULL, else the trail at `path` opened for it. */
int mc_audit_record_kept(long long *id, mc_audit *kept, const char *path, mc_audit_head *head,
                         const mc_audit_event *ev, const json_t *details);

/* Appends one event to the database at `path` (created, with its directory,
 * when needed): open, check the head (mc_audit_verify_recent), append after it (as
 * mc_audit_record_after: a head moved meanwhile is verified again, so a
 * broken row committed in between is refused, never linked to), close. From `ev`: command, kind, the three
 * digests, verdict, and actor, host and tool_version (NULL: the defaults of
 * mc_audit_append); ev->details is ignored: `details` (a JSON object; NULL:
 * {}) is what the event records. On MC_OK *id is the new event's id. On
 * error the message reads "the audit trail could not be written: <why>",
 * with the code of the failure (MC_EINPUT for a database that is not one,
 * MC_EIO, MC_ENOMEM; MC_EINTERNAL when details is not an object). */
int mc_audit_record(long long *id, const char *path, const mc_audit_event *ev,
                    const json_t *details);

/* Opens the database at `path` read-only and verifies it (mc_audit_verify).
 * path NULL: the default database, mc_audit_path(NULL). MC_ENOTFOUND
 * when it does not exist; MC_EINPUT, MC_EIO as mc_audit_verify. */
int mc_audit_verify_file(mc_audit_verify_result *res, const char *path, const char *expect_head);

/* Opens the database at `path` (NULL: the default, as mc_audit_verify_file)
 * read-only and reads the events matching f (mc_audit_query): *out (caller
 * owns) a JSON array of objects, oldest first, one member per column (details
 * parsed). MC_ENOTFOUND when the database does not exist, or when f->id names
 * an event that does not ("no audit event N"). */
int mc_audit_list(json_t **out, const char *path, const mc_audit_filter *f);

/* ---- locations (mc_audit_location.c); init and migrate (mc_audit_migrate.c) ------- */

/* 1 when `location` is a PostgreSQL URI (postgresql:// or postgres://). */
int mc_audit_is_uri(const char *location);

/* `location` as it may be shown or recorded: a URI without its password (the
 * user:password@ part and any password= parameter removed); a path as it is.
 * Caller frees *out. MC_ENOMEM. */
int mc_audit_location_redact(char **out, const char *location);

/* Creates the trail at `location` when it does not exist: an SQLite file, or
 * on PostgreSQL the schema `modelcert`, its tables, the triggers that refuse
 * UPDATE, DELETE and TRUNCATE, and the roles modelcert_owner,
 * modelcert_append and modelcert_read (docs/audit.md). An existing version-1
 * trail is left unchanged. MC_EINPUT, MC_EIO, MC_ENOMEM. */
int mc_audit_init(const char *location);

/* Copies every event of the trail `from` to the empty trail `to` (made when
 * needed, as mc_audit_open does), unchanged: ids, times and hashes, in
 * batches of one transaction each. `from` must verify; each copied event is
 * checked, under `to`'s write lock, to link and hash as it did; `to` is
 * verified at the end: res is that verification (its head is `from`'s head
 * as read). MC_EINPUT when `from` is broken or `to` is not empty. */
int mc_audit_migrate(mc_audit_verify_result *res, const char *from, const char *to);

#endif
