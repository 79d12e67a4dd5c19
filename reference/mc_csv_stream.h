/* A CSV file read in chunks of rows, for verbs that must stream a file of any length in
 * bounded memory (`explain`): the header is read once, then each chunk of at most max_rows
 * records is parsed by the one CSV reader (mc_csv.h) as a small file of its own, so every
 * rule of the reader holds. Line numbers in tables and messages, and row indices, are the
 * file's own, not the chunk's. */
#ifndef MC_CSV_STREAM_H
#define MC_CSV_STREAM_H

#include <stddef.h>

#include "mc_csv.h"
#include "mc_table.h"

/* The longest record (with its quoted line breaks) a chunk may hold. */
#define MC_CSV_STREAM_MAX_RECORD ((size_t)16 << 20)

typedef struct mc_csv_chunks mc_csv_chunks;

/* Opens path ("-": standard input) and reads its header. opt is copied except for the
 * arrays it points to, which must outlive the reader. A required column missing from the
 * header is MC_EINPUT at path:1:1 with the closest header name when one is close ("did you
 * mean"). Also MC_ENOTFOUND, MC_EIO, MC_ENOMEM. Free with mc_csv_chunks_free. */
int mc_csv_chunks_open(mc_csv_chunks **out, const char *path, const mc_csv_options *opt,
                       size_t max_rows);
/* The next chunk's table (its line_of_row and row_index counted in the whole file), or
 * *out NULL at the end of the file. Errors as mc_csv_parse, at the file's line. */
int mc_csv_chunks_next(mc_csv_chunks *c, mc_table **out);
void mc_csv_chunks_free(mc_csv_chunks *c);

#endif
