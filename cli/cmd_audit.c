/* The `audit` verb: verify the trail's chain (against an expected head, or a signed
 * checkpoint), list, show and export its events, make a trail (init) and copy one to another
 * store (migrate); `audit checkpoint` is in cmd_audit_checkpoint.c, `audit prove` and
 * `verify-proof` in cmd_audit_prove.c. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_report_audit.h"
#include "mc_trail.h"

static const char help[] =
    "usage: modelcert audit verify [--head HASH | --checkpoint FILE --key PUB] [--json]\n"
    "       modelcert audit log [--model DIGEST] [--spec DIGEST] [--since TIME] [--kind KIND] [--json]\n"
    "       modelcert audit show ID [--json]\n"
    "       modelcert audit export --format jsonl|csv [-o FILE]\n"
    "       modelcert audit init [DB]\n"
    "       modelcert audit migrate --from DB --to DB [--json]\n"
    "       modelcert audit checkpoint --key KEY [-o FILE] [--label TEXT]\n"
    "       modelcert audit prove RUN_ID --checkpoint CP [--event ID | --verb V] [-o FILE]\n"
    "       modelcert audit verify-proof PROOF --key PUB [--json]\n"
    "\n"
    "The audit trail (docs/audit.md): each verb's event, chained by SHA-256 hashes.\n"
    "Each option below applies only where the usage shows it; others are refused.\n"
    "  verify   recompute every hash and link; names the first broken link and\n"
    "           prints the head hash. --head HASH: the chain must end there (an\n"
    "           anchor kept elsewhere detects events removed from the end).\n"
    "           --checkpoint FILE --key PUB: the trail must still hold the head\n"
    "           that checkpoint signed, unchanged\n"
    "  log      one line per event, oldest first, optionally filtered; TIME is\n"
    "           UTC, as in 2026-11-28 or 2026-11-28T14:00:00\n"
    "  show     one event in full\n"
    "  export   every event, for auditors' own tools: JSON lines or CSV\n"
    "  init     create the trail: on PostgreSQL its schema, roles and triggers\n"
    "           (run as a superuser); an existing trail is left as it is\n"
    "  migrate  copy every event to an empty trail, unchanged, every hash\n"
    "           checked; prints the copy's head\n"
    "  checkpoint, prove, verify-proof  sign the verified head; prove a run's events\n"
    "           against that checkpoint; check a proof without the trail (their --help)\n"
    "\n"
    "options:\n"
    "  --audit DB          the trail (not migrate): an SQLite file or a postgresql:// URI\n"
    "                      (default $MODELCERT_AUDIT, else the nearest .modelcert/audit.db)\n"
    "  --head HASH, --checkpoint FILE, --key PUB  verify: as above\n"
    "  --model DIGEST, --spec DIGEST, --since TIME, --kind KIND  log: only those events\n"
    "  --format F          jsonl or csv (export)\n"
    "  -o, --output FILE   export: write FILE instead of standard output\n"
    "  --from DB, --to DB  migrate: the trail to copy, and the empty one to fill\n"
    "  --json              verify, log, show, migrate: JSON on standard output\n"
    "  -q, --quiet         verify, init, migrate: silent on success\n"
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 done (verify: the chain is intact), 1 verify found a broken\n"
    "chain, 2 no such database, event or usage, 3 internal or environment error.\n";

typedef struct opts {
    const char *head, *format, *from, *to, *checkpoint, *key;
    mc_audit_filter filter;
    int json;
    unsigned char given[128]; /* by option code: given on the command line */
} opts;

/* The options each subcommand takes, by code ('o' is -o/--output, 'a' --audit). Refuses an
 * unknown subcommand, and any option given that it does not take (never silently ignored). */
static const char *const takes[][2] = {{"verify", "HCKja"}, {"log", "msSkja"}, {"show", "ja"},
                                       {"export", "foa"},   {"init", "a"},     {"migrate", "FTj"}};

static int check_options(const char *sub, const opts *o, const struct option *own)
{
    size_t k = 0;
    while (k < sizeof takes / sizeof takes[0] && strcmp(sub, takes[k][0]) != 0)
        k++;
    if (k == sizeof takes / sizeof takes[0])
        return mc_cli_usage_error("audit", "unknown subcommand '%s' (verify, log, show, export, "
                                  "init, migrate, checkpoint, prove, verify-proof)", sub);
    for (const char *c = "HmsSkfFTCKjoa"; *c; c++) {
        const char *name = *c == 'o' ? "-o/--output" : "--audit";
        for (const struct option *p = own; p->name; p++)
            name = p->val == *c ? p->name : name;
        if (o->given[(unsigned char)*c] && !strchr(takes[k][1], *c))
            return mc_cli_usage_error("audit", "audit %s does not take %s%s", sub,
                                      strchr("oa", *c) ? "" : "--", name);
    }
    return MC_EXIT_OK;
}

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    o->given[code & 127] = 1;
    switch (code) {
    case 'H': o->head = value; break;
    case 'm': o->filter.model_digest = value; break;
    case 's': o->filter.spec_digest = value; break;
    case 'S': o->filter.since = value; break;
    case 'k': o->filter.kind = value; break;
    case 'f': o->format = value; break;
    case 'F': o->from = value; break;
    case 'T': o->to = value; break;
    case 'C': o->checkpoint = value; break;
    case 'K': o->key = value; break;
    default: o->json = 1; break;
    }
    return MC_EXIT_OK;
}

static int cmd_migrate(const opts *o, int quiet)
{
    mc_audit_verify_result r;
    if (!o->from || !o->to)
        return mc_cli_usage_error("audit", "migrate needs --from DB and --to DB");
    if (mc_trail_migrate(&r, o->from, o->to) != MC_OK)
        return mc_cli_fail();
    return mc_cli_audit_verified(&r, o->json, quiet);
}

/* log, show (filter.id set) and export (format set). */
static int cmd_events(const char *db, const opts *o, const char *dest)
{
    json_t *events = NULL;
    /* -o before any work: the trail is read and verified only when the file can be written */
    int rc = dest ? mc_file_check_output(dest) : MC_OK;
    if (rc == MC_OK)
        rc = mc_trail_log(&events, db, &o->filter);
    if (rc == MC_OK && o->format)
        rc = mc_report_audit_export(events, strcmp(o->format, "csv") == 0 ? MC_AUDIT_EXPORT_CSV
                                                                           : MC_AUDIT_EXPORT_JSONL,
                                    dest ? dest : "-");
    else if (rc == MC_OK && o->filter.id)
        rc = mc_report_audit_event_json(stdout, events, 0);
    else if (rc == MC_OK && o->json)
        rc = mc_report_audit_events_json(stdout, events);
    else if (rc == MC_OK)
        mc_report_audit_log_text(stdout, events);
    mc_trail_events_free(events);
    return rc == MC_OK ? MC_EXIT_OK : mc_cli_fail();
}

int mc_cmd_audit(int argc, char **argv)
{
    static const struct option own[] = {
        {"head", required_argument, NULL, 'H'},  {"model", required_argument, NULL, 'm'},
        {"spec", required_argument, NULL, 's'},  {"since", required_argument, NULL, 'S'},
        {"kind", required_argument, NULL, 'k'},  {"format", required_argument, NULL, 'f'},
        {"from", required_argument, NULL, 'F'},  {"to", required_argument, NULL, 'T'},
        {"checkpoint", required_argument, NULL, 'C'}, {"key", required_argument, NULL, 'K'},
        {"json", no_argument, NULL, 'j'},        {NULL, 0, NULL, 0}};
    if (argc < 2 && !mc_cli_wants_help(argc, argv)) {
        fputs(help, stderr);
        return MC_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "checkpoint") || !strcmp(argv[1], "prove") ||
        !strcmp(argv[1], "verify-proof"))
        return mc_cmd_audit_signed(argc, argv);
    opts o = {0};
    mc_cli_verb verb = {"audit", help, MC_CLI_OUTPUT | MC_CLI_AUDIT | MC_CLI_QUIET, own, NULL,
                        on_option, &o, 2};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    const char *sub = argv[1];
    o.given['o'] = common.output != NULL, o.given['a'] = common.audit != NULL;
    if ((status = check_options(sub, &o, own)) != MC_EXIT_OK)
        return status;
    if (strcmp(sub, "show") == 0) {
        char *end;
        if (argc - first != 1 || (o.filter.id = strtoll(argv[first], &end, 10)) < 1 || *end)
            return mc_cli_usage_error("audit", "show needs one event id (a positive number)");
    } else if (strcmp(sub, "init") == 0 && argc - first == 1 && !common.audit) {
        common.audit = argv[first]; /* audit init DB, as --audit DB */
    } else if (argc - first != 0) {
        return mc_cli_usage_error("audit", "unexpected argument '%s'", argv[first]);
    }
    if (!strcmp(sub, "export") &&
        (!o.format || (strcmp(o.format, "jsonl") && strcmp(o.format, "csv"))))
        return mc_cli_usage_error("audit", "export needs --format jsonl or --format csv");
    if (strcmp(sub, "verify") == 0)
        return mc_cli_audit_verify(common.audit, o.head, o.checkpoint, o.key, o.json, common.quiet);
    if (strcmp(sub, "init") == 0) {
        char *shown = NULL;
        if (mc_trail_init(&shown, common.audit) != MC_OK)
            return mc_cli_fail();
        if (!common.quiet)
            mc_report_audit_initialized(stdout, shown);
        free(shown);
        return MC_EXIT_OK;
    }
    if (strcmp(sub, "migrate") == 0)
        return cmd_migrate(&o, common.quiet);
    return cmd_events(common.audit, &o, common.output);
}
