/*
 * libcsv_baseline: the floor for mfa-rollout's export-reading benchmark.
 *
 * Reads a plain CSV file in 64 KiB chunks through libcsv's csv_parse with callbacks that do
 * nothing but count fields and rows (so the compiler keeps the work), and prints the number
 * of rows (header included). `mfa-rollout plan` on the same file must stay within 1.5x of
 * this program's run time.
 *
 * Build: cc -O2 -o libcsv_baseline scripts/bench/libcsv_baseline.c -lcsv
 * Usage: ./libcsv_baseline FILE.csv
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct counts {
    size_t fields;
    size_t rows;
};

static void on_field(void *data, size_t len, void *ctx) {
    (void)data;
    (void)len;
    ((struct counts *)ctx)->fields++;
}

static void on_row(int terminator, void *ctx) {
    (void)terminator;
    ((struct counts *)ctx)->rows++;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.csv\n", argv[0]);
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    struct csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fprintf(stderr, "csv_init failed\n");
        return 1;
    }
    static char buffer[64 * 1024];
    struct counts counts = {0, 0};
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, fp)) > 0) {
        if (csv_parse(&parser, buffer, n, on_field, on_row, &counts) != n) {
            fprintf(stderr, "%s: %s\n", argv[1], csv_strerror(csv_error(&parser)));
            return 1;
        }
    }
    if (ferror(fp)) {
        fprintf(stderr, "%s: read error\n", argv[1]);
        return 1;
    }
    if (csv_fini(&parser, on_field, on_row, &counts) != 0) {
        fprintf(stderr, "%s: %s\n", argv[1], csv_strerror(csv_error(&parser)));
        return 1;
    }
    csv_free(&parser);
    fclose(fp);
    printf("%zu\n", counts.rows);
    fprintf(stderr, "fields: %zu\n", counts.fields);
    return 0;
}
