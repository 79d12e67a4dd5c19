/* A data table in columns: numeric columns as doubles (NaN marks a missing
 * cell), categorical columns as codes into a dictionary of levels. */
#ifndef MC_TABLE_H
#define MC_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define MC_CODE_MISSING UINT32_MAX

typedef enum mc_colkind { MC_COLKIND_NUMERIC, MC_COLKIND_CATEGORICAL } mc_colkind;

typedef struct mc_column {
    char *name;
    mc_colkind kind;
    double *num;       /* numeric: one per row, NaN = missing */
    uint32_t *codes;   /* categorical: one per row, MC_CODE_MISSING = missing */
    char **levels;     /* categorical: level text by code, in first-seen order */
    size_t n_levels;
} mc_column;

typedef struct mc_table {
    char *source; /* the file it came from, for messages */
    size_t n_rows, n_cols;
    mc_column *cols;
    size_t *line_of_row; /* 1-based line in the source file where each row starts */
    size_t *row_index;   /* the row's 0-based index in the file's data rows */
    /* A cache for mc_table_find: column names hashed to positions, built on
     * first use, dropped when the columns change (never a value to read). */
    long *name_index;
    size_t name_index_cap, name_index_cols;
} mc_table;

/* Frees a table and its columns; NULL is fine. */
void mc_table_free(mc_table *t);
/* Index of the (first) column named `name`, or -1. Hashed: wide tables of
 * 10,000 columns are searched by name in constant time. */
long mc_table_find(const mc_table *t, const char *name);
/* Whether cell (row, col) is missing. */
int mc_table_is_missing(const mc_table *t, size_t col, size_t row);
/* A new table with the rows rows[0..n) of t, in that order. */
int mc_table_take_rows(mc_table **out, const mc_table *t, const uint32_t *rows, size_t n);
/* A deep copy of t. */
int mc_table_copy(mc_table **out, const mc_table *t);
/* Removes column c (freeing it). */
void mc_table_drop_col(mc_table *t, size_t c);
/* Inserts k numeric columns at position pos; names[i] and values[i] (n_rows
 * doubles each) are taken over on success only. */
int mc_table_insert_cols(mc_table *t, size_t pos, char **names, double **values, size_t k);
/* Keeps the rows r with keep[r] set, in order. */
void mc_table_keep_rows(mc_table *t, const unsigned char *keep);
/* The text of cell (r) of c: its category, or its number in canonical form
 * (in buf); NULL when missing. */
const char *mc_column_cell_text(const mc_column *c, size_t r, char buf[32]);
/* Code of `text` in a categorical column, or MC_CODE_MISSING when unseen. */
uint32_t mc_column_code(const mc_column *c, const char *text);

#endif
