/* Reports of the audit trail (modelcert audit and every verb that appends):
 * verify's finding, the event log, single events, and exports for auditors'
 * own tools. They render plain data: results, events as a JSON array of
 * objects (mc_trail_log), a location already as it may be shown (a URI
 * without its password: the verbs make it), so a line never comes out
 * differently when memory is short. */
#ifndef MC_REPORT_AUDIT_H
#define MC_REPORT_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "mc_audit.h"
#include "mc_audit_checkpoint.h"
#include "mc_audit_proof.h"

/* "audit: event N in SHOWN": where a command's event went (`shown`, the trail's location
 * as the verb gave it, without a password). Nothing when id is 0 (no event was recorded). */
void mc_report_audit_recorded(FILE *f, const char *shown, long long id);

/* "audit trail ready: SHOWN", after audit init (mc_trail_init's location). */
void mc_report_audit_initialized(FILE *f, const char *shown);

/* "intact: N events, head HASH", or "BROKEN at event N: <reason>". */
void mc_report_audit_verify_text(FILE *f, const mc_audit_verify_result *r);
/* {"intact", "events", "head"[, "first_broken_event", "reason"]}, indented.
 * MC_ENOMEM. */
int mc_report_audit_verify_json(FILE *f, const mc_audit_verify_result *r);

/* One line per event: id, time, actor, kind, verdict, the model digest's
 * first 12 digits, command ("-" for what an event lacks). */
void mc_report_audit_log_text(FILE *f, const json_t *events);
/* Every event, as a JSON array, indented. MC_ENOMEM. */
int mc_report_audit_events_json(FILE *f, const json_t *events);
/* Event i of the array (0: the first) in full, as JSON, indented.
 * MC_EINTERNAL when there is no event i, MC_ENOMEM. */
int mc_report_audit_event_json(FILE *f, const json_t *events, size_t i);

/* After audit checkpoint: "checkpoint of event N (head HASH, TIME), trail LABEL,
 * signed at TIME by key HINT...: DEST". */
void mc_report_audit_checkpoint_text(FILE *f, const mc_checkpoint_result *r, const char *dest);
/* audit verify --checkpoint: "checkpoint verified: ..." and the chain's
 * verification line, or "FAILED: <reason>". */
void mc_report_audit_checkpoint_verify_text(FILE *f, const mc_checkpoint_verify_result *r);
/* The same as JSON: {"verified", "reason"?, "checkpoint"?, "chain"?}, indented. MC_ENOMEM. */
int mc_report_audit_checkpoint_verify_json(FILE *f, const mc_checkpoint_verify_result *r);

/* After audit prove: "proof of N events of run R against the checkpoint of event H (tree
 * of H events, root ROOT): DEST" and a line per event, or "FAILED: <reason>". */
void mc_report_audit_prove_text(FILE *f, const mc_proof_result *r, const char *dest);
/* audit verify-proof: "proof verified: ..." and a line per event, or "FAILED: <reason>". */
void mc_report_audit_proof_verify_text(FILE *f, const mc_proof_result *r);
/* The same as JSON: {"verified", "reason"?, "run_id", "checkpoint"?, "events"}, indented.
 * MC_ENOMEM. */
int mc_report_audit_proof_verify_json(FILE *f, const mc_proof_result *r);

typedef enum mc_audit_export_format {
    MC_AUDIT_EXPORT_JSONL, /* one canonical JSON object per line */
    MC_AUDIT_EXPORT_CSV    /* a header row, then every column; details as canonical JSON */
} mc_audit_export_format;

/* Writes every event of the array to `dest` atomically ("-": standard output).
 * MC_EIO when dest cannot be written, MC_ENOMEM. */
int mc_report_audit_export(const json_t *events, mc_audit_export_format format,
                           const char *dest);

#endif
