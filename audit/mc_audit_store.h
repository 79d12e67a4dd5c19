/* Where the audit trail's events are kept: one storage interface, two
 * implementations (SQLite files, mc_audit_sqlite.c; PostgreSQL through
 * libpq, mc_audit_pg.c). The chain logic (ids, links, hashes) and the
 * canonical encoding live in mc_audit.c, the verbs' use of the trail in
 * mc_audit_trail.c, init and migrate in mc_audit_migrate.c, all the same for
 * both: a store only keeps rows, serialises appends and reads rows back.
 *
 * A store holds rows of the events table (docs/audit.md, "Schema"); it never
 * computes or checks a hash. What it reads back is hostile input: a store
 * bounds and type-checks every column (ids are integers, text is text of a
 * bounded length, NULL only where the schema allows it) and reports a row it
 * cannot read as MC_EINPUT, never as a wrong value. */
#ifndef MC_AUDIT_STORE_H
#define MC_AUDIT_STORE_H

#include <stddef.h>

#include "mc_audit_types.h"

#define MC_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define MC_AUDIT_SCHEMA_VERSION "1"
/* The longest text column a store returns (a longer one is refused as input). */
#define MC_AUDIT_MAX_TEXT (16u << 20)

typedef struct mc_audit_store mc_audit_store;

/* Called by a store's append under its write lock, inside the append's
 * transaction, with the chain's head as committed (id 0 and 64 zeros when
 * empty): fills evs[0..n) with their ids, prev_hash, time and hash (the shared
 * chain logic), or fails and the transaction is rolled back. */
typedef int (*mc_audit_link_fn)(void *ctx, const mc_audit_head *head, mc_audit_event *evs,
                                size_t n);

/* Called for each row a scan reads, oldest first; ev and its text are valid
 * during the call only (ev->details is the stored text). Non-MC_OK stops the
 * scan and is its result. */
typedef int (*mc_audit_row_fn)(void *ctx, const mc_audit_event *ev);

/* Called once by a store's tail with the rows it read (n <= 2), oldest first, valid during
 * the call only. */
typedef int (*mc_audit_tail_fn)(void *ctx, const mc_audit_event *rows, size_t n);

typedef struct mc_audit_store_ops {
    const char *name; /* "sqlite", "postgresql" */
    /* Opens the trail at `location` (a path, or a URI for this backend).
     * readonly: no schema is created, nothing is written; MC_ENOTFOUND when
     * there is no trail. A trail that is not a version-1 modelcert trail is
     * MC_EINPUT. `shown` is the location as messages show it (no password). */
    int (*open)(mc_audit_store **out, const char *location, const char *shown, int readonly);
    /* Creates the trail (and, on PostgreSQL, its roles and triggers) when it
     * does not exist; an existing version-1 trail is left as it is. */
    int (*init)(const char *location, const char *shown);
    /* In ONE transaction, holding a lock that serialises every writer of the
     * trail: reads the head, calls link, inserts evs[0..n) (ev->details is the
     * canonical text to store) and commits. All or none. */
    int (*append)(mc_audit_store *s, mc_audit_event *evs, size_t n, mc_audit_link_fn link,
                  void *ctx);
    /* Reads the rows matching f (NULL: every row), ordered by id, from one
     * consistent snapshot (a concurrent append is wholly seen or not at all). */
    int (*scan)(mc_audit_store *s, const mc_audit_filter *f, mc_audit_row_fn fn, void *ctx);
    /* As scan, the rows whose id is `from` or more, ordered by id: a search of the primary
     * key, never a scan of the table (what a verb reads: the head and what follows a head it
     * verified). */
    int (*scan_from)(mc_audit_store *s, long long from, mc_audit_row_fn fn, void *ctx);
    /* What a verb verifies, in one statement (one snapshot, one round trip): the rows whose
     * id is the head's or the one before it; for a head id of 2 or less, the two lowest ids
     * (verified from the genesis). NULL: the chain logic reads the head, then scan_from
     * (SQLite, where a statement costs no round trip). */
    int (*tail)(mc_audit_store *s, mc_audit_tail_fn fn, void *ctx);
    /* The last row's id, hash and time as stored (unverified: a checkpoint
     * signs it only after mc_audit_verify; id 0 and 64 zeros when empty). */
    int (*head)(mc_audit_store *s, mc_audit_head *out);
    void (*close)(mc_audit_store *s);
} mc_audit_store_ops;

extern const mc_audit_store_ops mc_audit_store_sqlite;
extern const mc_audit_store_ops mc_audit_store_postgresql;

/* The backend for a location: PostgreSQL for postgresql:// and postgres://
 * URIs, SQLite for everything else (a path). */
const mc_audit_store_ops *mc_audit_store_for(const char *location);

/* Type checks shared by the stores' readers: MC_EINPUT naming the event and
 * column (`shown` is the trail as messages show it). */
int mc_audit_store_bad_row(const char *shown, long long id, const char *column, const char *why);

/* Reads every row of the trail, in storage order, from one snapshot. */
int mc_audit_scan(mc_audit *a, mc_audit_row_fn fn, void *ctx);

/* Appends evs as they are (ids, times, hashes: a copy of another trail),
 * each checked under the lock to follow the head and to hash as it records;
 * all or none. MC_EINPUT when one does not. */
int mc_audit_append_verbatim(mc_audit *a, mc_audit_event *evs, size_t n);

#endif
