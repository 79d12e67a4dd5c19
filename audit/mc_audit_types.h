/* The audit trail's value types, shared by the chain logic (mc_audit.h) and the storage
 * interface (mc_audit_store.h): a trail handle, its head, an event, a filter. A header of
 * its own so that the stores need not include the chain's API, nor the chain the stores'. */
#ifndef MC_AUDIT_TYPES_H
#define MC_AUDIT_TYPES_H

#include "mc_hash.h"

typedef struct mc_audit mc_audit;

/* A trail's head: its last event's id, hash and time (id 0, 64 zeros and ""
 * when empty). What a checkpoint records and signs. */
typedef struct mc_audit_head {
    long long id;
    char hash[MC_SHA256_HEX_LEN + 1];
    char time[32];
} mc_audit_head;

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

typedef struct mc_audit_filter {
    const char *model_digest, *spec_digest, *since, *kind;
    long long id; /* 0: any */
} mc_audit_filter;

#endif
