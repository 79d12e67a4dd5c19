/* modelcert audit verify|log|show|export */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_audit.h"
#include "mc_buf.h"
#include "mc_file.h"
#include "mc_json.h"

static const char help[] =
    "usage: modelcert audit verify [--head HASH] [--json]\n"
    "       modelcert audit log [--model DIGEST] [--spec DIGEST] [--since TIME] [--kind KIND] [--json]\n"
    "       modelcert audit show ID [--json]\n"
    "       modelcert audit export --format jsonl|csv [-o FILE]\n"
    "\n"
    "The audit trail (docs/audit.md): every run, validate and reproduce appends an\n"
    "event, chained by SHA-256 hashes.\n"
    "  verify   recompute every hash and link; names the first broken link and\n"
    "           prints the head hash. --head HASH: the chain must end there (an\n"
    "           anchor kept elsewhere detects events removed from the end)\n"
    "  log      one line per event, oldest first, optionally filtered; TIME is\n"
    "           UTC, as in 2026-11-28 or 2026-11-28T14:00:00\n"
    "  show     one event in full\n"
    "  export   every event, for auditors' own tools: JSON lines or CSV\n"
    "\n"
    "options (all):\n"
    "  --audit DB   the database (default: $MODELCERT_AUDIT, else .modelcert/audit.db)\n"
    "  -h, --help   this help\n"
    "\n"
    "exit status: 0 done (verify: the chain is intact), 1 verify found a broken\n"
    "chain, 2 no such database, event or usage, 3 internal or environment error.\n";

typedef struct opts {
    const char *audit, *head, *model, *spec, *since, *kind, *format, *out;
    int json;
} opts;

static int parse(opts *o, int argc, char **argv)
{
    static const struct option longs[] = {
        {"audit", required_argument, NULL, 'a'},  {"head", required_argument, NULL, 'H'},
        {"model", required_argument, NULL, 'm'},  {"spec", required_argument, NULL, 's'},
        {"since", required_argument, NULL, 'S'},  {"kind", required_argument, NULL, 'k'},
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    optind = 2; /* after the subcommand */
    while ((c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
        switch (c) {
        case 'a': o->audit = optarg; break;
        case 'H': o->head = optarg; break;
        case 'm': o->model = optarg; break;
        case 's': o->spec = optarg; break;
        case 'S': o->since = optarg; break;
        case 'k': o->kind = optarg; break;
        case 'f': o->format = optarg; break;
        case 'o': o->out = optarg; break;
        case 'j': o->json = 1; break;
        default:
            return mc_cli_usage_error("audit", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    return MC_EXIT_OK;
}

static int open_db(mc_audit **a, const opts *o)
{
    char *path = mc_cli_audit_path(o->audit, ".");
    int rc = path ? mc_audit_open_readonly(a, path) : mc_error_nomem();
    free(path);
    return rc == MC_OK ? MC_EXIT_OK : mc_cli_fail();
}

static int print_json(const json_t *j)
{
    char *text = NULL;
    if (mc_json_pretty(&text, NULL, j, 2) != MC_OK)
        return mc_cli_fail();
    fputs(text, stdout);
    free(text);
    return MC_EXIT_OK;
}

static int cmd_verify(mc_audit *a, const opts *o)
{
    mc_audit_verify_result r;
    if (mc_audit_verify(a, &r, o->head) != MC_OK)
        return mc_cli_fail();
    if (o->json) {
        json_t *j = json_pack("{s:b, s:I, s:s}", "intact", r.first_bad == 0, "events",
                              (json_int_t)r.events, "head", r.head);
        if (r.first_bad) {
            json_object_set_new(j, "first_broken_event", json_integer(r.first_bad));
            json_object_set_new(j, "reason", json_string(r.reason));
        }
        int s = print_json(j);
        json_decref(j);
        if (s)
            return s;
    } else if (r.first_bad) {
        printf("BROKEN at event %lld: %s\n", r.first_bad, r.reason);
    } else {
        printf("intact: %lld events, head %s\n", r.events, r.head);
    }
    return r.first_bad ? MC_EXIT_FAILED : MC_EXIT_OK;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "-";
}

static int cmd_log(mc_audit *a, const opts *o, long long id)
{
    mc_audit_filter f = {o->model, o->spec, o->since, o->kind, id};
    json_t *events = NULL;
    if (mc_audit_query(a, &f, &events) != MC_OK)
        return mc_cli_fail();
    int status = MC_EXIT_OK;
    if (id && json_array_size(events) == 0) {
        fprintf(stderr, "modelcert: no audit event %lld\n", id);
        status = MC_EXIT_USAGE;
    } else if (id) {
        status = print_json(json_array_get(events, 0));
    } else if (o->json) {
        status = print_json(events);
    } else {
        size_t i;
        json_t *e;
        json_array_foreach(events, i, e)
        {
            printf("%-5lld %s  %-10s %-9s %-9s model %.12s  %s\n",
                   (long long)json_integer_value(json_object_get(e, "id")), str(e, "time"),
                   str(e, "actor"), str(e, "kind"), str(e, "verdict"), str(e, "model_digest"),
                   str(e, "command"));
        }
    }
    json_decref(events);
    return status;
}

static void csv_field(mc_buf *b, const char *s)
{
    mc_buf_put(b, "\"", 1);
    for (; *s; s++) {
        mc_buf_put(b, s, 1);
        if (*s == '"')
            mc_buf_put(b, s, 1);
    }
    mc_buf_put(b, "\"", 1);
}

static int cmd_export(mc_audit *a, const opts *o)
{
    static const char *const cols[] = {"id", "time", "actor", "host", "tool_version", "command",
                                       "kind", "spec_digest", "data_digest", "model_digest",
                                       "verdict", "details", "prev_hash", "hash"};
    if (!o->format || (strcmp(o->format, "jsonl") != 0 && strcmp(o->format, "csv") != 0))
        return mc_cli_usage_error("audit", "export needs --format jsonl or --format csv");
    mc_audit_filter f = {0};
    json_t *events = NULL;
    if (mc_audit_query(a, &f, &events) != MC_OK)
        return mc_cli_fail();
    mc_buf b = {0};
    int csv = strcmp(o->format, "csv") == 0;
    if (csv)
        mc_buf_puts(&b, "id,time,actor,host,tool_version,command,kind,spec_digest,data_digest,"
                        "model_digest,verdict,details,prev_hash,hash\n");
    size_t i;
    json_t *e;
    int rc = MC_OK;
    json_array_foreach(events, i, e)
    {
        char *line = NULL;
        if (!csv) {
            if ((rc = mc_json_canonical(&line, NULL, e)))
                break;
            mc_buf_puts(&b, line);
            mc_buf_put(&b, "\n", 1);
            free(line);
            continue;
        }
        for (size_t k = 0; k < 14; k++) {
            json_t *v = json_object_get(e, cols[k]);
            if (k)
                mc_buf_put(&b, ",", 1);
            if (json_is_integer(v))
                mc_buf_printf(&b, "%lld", (long long)json_integer_value(v));
            else if (json_is_string(v))
                csv_field(&b, json_string_value(v));
            else if (json_is_object(v)) {
                if ((rc = mc_json_canonical(&line, NULL, v)))
                    break;
                csv_field(&b, line);
                free(line);
                line = NULL;
            }
        }
        mc_buf_put(&b, "\n", 1);
    }
    json_decref(events);
    char *text = NULL;
    size_t len = 0;
    if (rc || mc_buf_take(&b, &text, &len) != MC_OK ||
        mc_file_write_atomic(o->out ? o->out : "-", text, len) != MC_OK) {
        free(text);
        mc_buf_free(&b);
        return mc_cli_fail();
    }
    free(text);
    return MC_EXIT_OK;
}

int mc_cmd_audit(int argc, char **argv)
{
    if (mc_cli_wants_help(argc, argv) || argc < 2) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? MC_EXIT_USAGE : MC_EXIT_OK;
    }
    const char *sub = argv[1];
    opts o = {0};
    int status = parse(&o, argc, argv);
    if (status)
        return status;
    long long id = 0;
    if (strcmp(sub, "show") == 0) {
        char *end;
        if (argc - optind != 1 || (id = strtoll(argv[optind], &end, 10)) < 1 || *end)
            return mc_cli_usage_error("audit", "show needs one event id (a positive number)");
    } else if (argc - optind != 0) {
        return mc_cli_usage_error("audit", "unexpected argument '%s'", argv[optind]);
    }
    if (strcmp(sub, "verify") && strcmp(sub, "log") && strcmp(sub, "show") && strcmp(sub, "export"))
        return mc_cli_usage_error("audit", "unknown subcommand '%s' (verify, log, show, export)", sub);
    mc_audit *a = NULL;
    if ((status = open_db(&a, &o)))
        return status;
    if (strcmp(sub, "verify") == 0)
        status = cmd_verify(a, &o);
    else if (strcmp(sub, "export") == 0)
        status = cmd_export(a, &o);
    else
        status = cmd_log(a, &o, id);
    mc_audit_close(a);
    return status;
}
