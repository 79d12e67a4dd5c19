/* A number in a CSV cell never reads as text when memory runs out.
 *
 * mc_csv_parse_number once copied a number longer than its stack buffer (512 bytes) to the
 * heap for strtod, and a failed allocation read as "not a number": the cell became text, and
 * with it the column's type. Linked with tests/support/failalloc.c and malloc wrapped
 * (tests/CMakeLists.txt), like modelcert_failalloc: with the first allocation armed to fail,
 * long numbers (600 to 3000 significant digits, plain and with an exponent) must still parse
 * to strtod's value, and no allocation may be made at all.
 *
 * usage: failalloc_csv       exit 0 when every number parses as it should */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_csv.h"

void mc_failalloc_arm(unsigned long long n);
unsigned long long mc_failalloc_failures(void);

/* digits times `digit`, after `head` and before `tail` (caller frees; NULL: no memory). */
static char *number(const char *head, char digit, size_t digits, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);
    char *s = malloc(h + digits + t + 1);
    if (!s)
        return NULL;
    memcpy(s, head, h);
    memset(s + h, digit, digits);
    memcpy(s + h + digits, tail, t + 1);
    return s;
}

int main(void)
{
    static const struct {
        const char *head;
        char digit;
        size_t digits;
        const char *tail;
    } cases[] = {
        {"1.", '3', 600, ""},       {"-2.", '7', 1000, "e-5"}, {"0.", '0', 700, "15e-2"},
        {"9", '9', 3000, "e-3000"}, {"0.", '1', 800, ""},
    };
    int defects = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *s = number(cases[i].head, cases[i].digit, cases[i].digits, cases[i].tail);
        if (!s) {
            fputs("failalloc_csv: out of memory\n", stderr);
            return 2;
        }
        double want = strtod(s, NULL), got = 0;
        mc_failalloc_arm(1); /* the next allocation fails */
        int rc = mc_csv_parse_number(s, strlen(s), &got);
        unsigned long long failed = mc_failalloc_failures();
        mc_failalloc_arm(0);
        if (rc != 1 || got != want || failed) {
            printf("DEFECT: %s%c x %zu%s: rc %d (want 1), %.17g (want %.17g), %llu allocation(s) "
                   "failed\n", cases[i].head, cases[i].digit, cases[i].digits, cases[i].tail, rc,
                   got, want, failed);
            defects++;
        } else {
            printf("ok: %s%c x %zu%s parses to %.17g without allocating\n", cases[i].head,
                   cases[i].digit, cases[i].digits, cases[i].tail, got);
        }
        free(s);
    }
    printf("failalloc_csv: %d defect(s)\n", defects);
    return defects ? 1 : 0;
}
