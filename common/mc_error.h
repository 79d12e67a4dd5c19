/* Error codes and the last-error record shared by every part of modelcert.
 *
 * Library functions return an mc_code (0 on success, negative on error) and
 * set a thread-local record with a message, and the file:line:col of the
 * input at fault where there is one. Library code never prints or exits;
 * the CLI turns the code into an exit status (docs/exit-codes.md). */
#ifndef MC_ERROR_H
#define MC_ERROR_H

#include <stddef.h>

typedef enum mc_code {
    MC_OK = 0,
    MC_EINPUT = -1,    /* bad input or usage: the user must fix something (exit 2) */
    MC_ENOTFOUND = -2, /* a named input does not exist (exit 2) */
    MC_ENOMEM = -3,    /* out of memory (exit 3) */
    MC_EIO = -4,       /* the environment failed us: disk, permissions (exit 3) */
    MC_EINTERNAL = -5  /* a bug or impossible state (exit 3) */
} mc_code;

typedef struct mc_error {
    int code;
    char file[512]; /* empty when no input file is at fault */
    int line;       /* 1-based; 0 when unknown */
    int col;        /* 1-based; 0 when unknown */
    char message[1024];
} mc_error;

#if defined(__GNUC__)
#define MC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MC_PRINTF(f, a)
#endif

/* Record an error and return `code`, so callers can write `return mc_error_set(...)`. */
int mc_error_set(int code, const char *fmt, ...) MC_PRINTF(2, 3);
int mc_error_set_at(int code, const char *file, int line, int col, const char *fmt, ...)
    MC_PRINTF(5, 6);
/* Set MC_ENOMEM with a fixed message. */
int mc_error_nomem(void);
/* The last error of this thread; never NULL (code MC_OK when none was set). */
const mc_error *mc_error_last(void);
void mc_error_clear(void);
/* "file:line:col: message", or just the message when no location is known. */
void mc_error_format(const mc_error *e, char *buf, size_t size);
/* Process exit status for a code: 0, 2 (input) or 3 (internal/environment). */
int mc_code_exit_status(int code);

#endif
