/* `modelcert init` (mc_starter.h): a template's spec (mc_starter_templates.c) with its data
 * pinned, and the seeded data set it runs on, both checked before either is written. The
 * data is the same on every machine: splitmix64 and the binary's own libm only for the
 * generation (the bytes are pinned in the spec as they are written). */
#include "mc_starter.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_hash.h"

/* splitmix64: a tiny seeded generator, so the data set is the same everywhere. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
    return (double)(next_u64(s) >> 11) * (1.0 / 9007199254740992.0);
}

static double normal(uint64_t *s)
{
    double u = uniform(s), v = uniform(s);
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

/* One data row's target, of the template's kind, from the row's features and its noise. */
static void put_target(mc_buf *b, mc_starter_data_kind kind, double age, double tenure,
                       double charges, int calls, int region, double noise)
{
    double z = -0.2 + 0.9 * calls / 1.5 - 0.045 * tenure + 0.022 * (charges - 70) -
               0.012 * (age - 45) + (region == 1 ? 0.6 : 0) + 0.5 * noise;
    double plan = (charges - 70) / 29 + 0.8 * (tenure - 36) / 21 + 0.35 * noise;
    double spend = 15 + 0.8 * charges + 0.25 * tenure + 4 * calls + 3 * noise;
    if (kind == MC_STARTER_MULTICLASS)
        mc_buf_puts(b, plan < -0.45 ? "basic" : plan > 0.45 ? "premium" : "standard");
    else if (kind == MC_STARTER_REGRESSION)
        mc_buf_printf(b, "%.2f", spend);
    else
        mc_buf_puts(b, z > 0 ? "1" : "0");
}

/* The example CSV of a template's kind (MC_STARTER_ROWS rows, seeded, identical on every
 * run). Caller frees. */
static int mc_starter_data(char **out, size_t *len, mc_starter_data_kind kind)
{
    static const char *const regions[] = {"north", "south", "east", "west"};
    static const char *const areas[] = {"941", "100", "606", "733"}; /* postcode prefixes */
    static const char *const targets[] = {"churned", "plan", "monthly_spend", "churned"};
    mc_buf b = {0};
    uint64_t s = 20261128;
    if (kind == MC_STARTER_PERSONAL)
        mc_buf_puts(&b, "name,email,postcode,");
    mc_buf_printf(&b, "age,income,tenure_months,monthly_charges,support_calls,region,%s\n",
                  targets[kind]);
    for (int i = 0; i < MC_STARTER_ROWS; i++) {
        double age = 18 + floor(uniform(&s) * 60);
        double income = round(exp(10.4 + 0.45 * normal(&s)));
        double tenure = floor(uniform(&s) * 72);
        double charges = round((20 + uniform(&s) * 100) * 100) / 100;
        int calls = (int)floor(-log(uniform(&s) + 1e-12) * 1.5);
        int region = (int)(next_u64(&s) % 4);
        double noise = normal(&s);
        if (kind == MC_STARTER_PERSONAL) { /* made up: no real person's data */
            /* Drawn one by one: C leaves the order of a call's arguments unspecified, so two
             * draws in one argument list gave other data with another compiler. */
            int number = (int)(next_u64(&s) % 100);
            const char *area = areas[next_u64(&s) % 4];
            mc_buf_printf(&b, "Customer %04d,customer%04d@example.com,%s%02d,", i + 1, i + 1,
                          area, number);
        }
        /* A few missing cells, for the dropna step. */
        if (uniform(&s) < 0.02)
            mc_buf_puts(&b, "");
        else
            mc_buf_printf(&b, "%.0f", age);
        if (uniform(&s) < 0.02)
            mc_buf_puts(&b, ",NA");
        else
            mc_buf_printf(&b, ",%.0f", income);
        mc_buf_printf(&b, ",%.0f,%.2f,%d,%s,", tenure, charges, calls, regions[region]);
        put_target(&b, kind, age, tenure, charges, calls, region, noise);
        mc_buf_puts(&b, "\n");
    }
    return mc_buf_take(&b, out, len);
}

/* The template's spec with "@SHA256@" replaced by the data's digest. Caller frees. */
static int spec_text(char **out, const char *spec, const char *csv, size_t csv_len)
{
    char hex[MC_SHA256_HEX_LEN + 1];
    int rc = mc_sha256_hex(hex, csv, csv_len);
    const char *at = strstr(spec, "@SHA256@");
    if (rc == MC_OK && !at)
        rc = mc_error_set(MC_EINTERNAL, "a starter spec without its data pin");
    if (rc)
        return rc;
    mc_buf b = {0};
    mc_buf_printf(&b, "%.*s%s%s", (int)(at - spec), spec, hex, at + strlen("@SHA256@"));
    size_t len;
    return mc_buf_take(&b, out, &len);
}

/* A target init may write: a regular file or nothing, and nothing unless forced. */
static int check_target(const char *path, int force)
{
    int rc = mc_file_check_output(path);
    if (rc == MC_OK && !force && mc_file_exists(path))
        rc = mc_error_set(MC_EINPUT, "%s exists; use --force to overwrite it", path);
    return rc;
}

/* The template named `name`, or MC_EINPUT naming the known ones. */
static int find_template(const mc_starter_template **out, const char *name)
{
    char known[256] = "";
    for (size_t i = 0; i < mc_starter_template_count(); i++) {
        const mc_starter_template *t = mc_starter_template_at(i);
        if (strcmp(t->name, name) == 0) {
            *out = t;
            return MC_OK;
        }
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                 t->name);
    }
    return mc_error_set(MC_EINPUT, "no starter template '%s' (known: %s)", name, known);
}

int mc_starter_write(char *paths[2], const char *dir, const char *template_name, int force)
{
    char *csv = NULL, *spec = NULL;
    size_t csv_len = 0;
    const mc_starter_template *t = NULL;
    int rc = find_template(&t, template_name ? template_name : MC_STARTER_DEFAULT);
    if (rc)
        return rc;
    paths[0] = mc_path_join(dir, t->data_name);
    paths[1] = mc_path_join(dir, MC_STARTER_SPEC_NAME);
    rc = paths[0] && paths[1] ? mc_dir_create_all(dir) : mc_error_nomem();
    for (int i = 0; i < 2 && rc == MC_OK; i++)
        rc = check_target(paths[i], force);
    if (rc == MC_OK)
        rc = mc_starter_data(&csv, &csv_len, t->data);
    if (rc == MC_OK)
        rc = spec_text(&spec, t->spec, csv, csv_len);
    if (rc == MC_OK)
        rc = mc_file_write_atomic(paths[0], csv, csv_len);
    if (rc == MC_OK)
        rc = mc_file_write_atomic(paths[1], spec, strlen(spec));
    free(csv);
    free(spec);
    if (rc) {
        free(paths[0]), free(paths[1]);
        paths[0] = paths[1] = NULL;
    }
    return rc;
}
