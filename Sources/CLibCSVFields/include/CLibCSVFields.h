#ifndef MFA_ROLLOUT_CLIBCSVFIELDS_H
#define MFA_ROLLOUT_CLIBCSVFIELDS_H
#include <stddef.h>
#include <stdint.h>

/* What libcsv's field callback collects for one record: the bytes of the requested fields,
 * back to back, and each requested field's span. Written in C because it runs for every
 * field of every row (ten million calls for a million-row export), where a call into Swift
 * costs as much as the parse itself; everything that runs once a row stays in Swift. */
typedef struct mfa_fields {
    /* Index of the next field within the current record. */
    ptrdiff_t field_index;
    /* Zero until the header record is read: before that every field goes to `header_field`. */
    int header_done;
    /* Set after an error: the remaining callbacks of the current `csv_parse` call do nothing. */
    int aborted;
    /* Set when growing `bytes` failed; the Swift side then stops with a message naming the file. */
    int out_of_memory;
    /* The longest field accepted, in bytes. A longer one (header or data, kept or not) sets
     * `oversized_field` to its 1-based index in the record, and `aborted`. */
    ptrdiff_t max_field;
    ptrdiff_t oversized_field;
    /* The longest record accepted: its values as read plus one byte for each delimiter and
     * for the line end (`record_bytes` so far). A longer one sets `oversized_record` and
     * `aborted`. */
    ptrdiff_t max_record;
    ptrdiff_t record_bytes;
    int oversized_record;
    /* Line breaks inside the current record's data fields (quoted fields may hold them): LF,
     * CR alone, and CRLF, each one. The parser counts lines from libcsv's row callbacks, which
     * report the line ends between records; these are the others. Header fields are not
     * counted: a line break in a header name is an error. */
    ptrdiff_t line_breaks;
    /* Field index -> slot (index into the requested columns), -1 for fields not kept. */
    const int32_t *slot_map;
    ptrdiff_t slot_map_count;
    /* The kept fields of the current record, back to back (malloc'd, grown with realloc). */
    unsigned char *bytes;
    ptrdiff_t bytes_count;
    ptrdiff_t bytes_capacity;
    /* Per slot: start in `bytes` and length; length -1 when the record had no such field. */
    ptrdiff_t *span_start;
    ptrdiff_t *span_length;
    /* Nonzero once the input is known to use Auth0's export escaping: a kept field's leading
     * `'` is dropped as it is copied. Zero until the first data row decides it. */
    int strip_quote;
    /* Bit `slot` (for slots below 63) is set when the current record's value of that slot had
     * its `'` dropped: in Auth0's export a string, as opposed to a bare boolean or number. */
    uint64_t quoted_slots;
    /* The OR of the current record's kept bytes, a word at a time: the record is ASCII when no
     * byte of it has bit 7 set (see `mfa_fields_ascii`). */
    uint64_t high_bits;
    /* Field index whose value is also handed to `key_field` as soon as it is parsed (the
     * user id, for duplicate detection's prefetch); -1 for none. */
    ptrdiff_t key_field;
    /* Nonzero when the current record's key field holds a control character (below 0x20, or
     * DEL): a user id must not carry one. */
    int key_has_control;
    void (*header_field)(void *context, const void *data, size_t length);
    void (*key_field_parsed)(void *context, const unsigned char *data, size_t length);
    void *context;
} mfa_fields;

/* Whether every kept byte of the current record is below 0x80. */
static inline int mfa_fields_ascii(const mfa_fields *state) {
    return (state->high_bits & 0x8080808080808080ULL) == 0;
}

/* For `csv_set_space_func`: no byte is a space to trim. libcsv otherwise drops spaces and tabs
 * around unquoted fields, which RFC 4180 counts as part of the field. */
int mfa_never_space(unsigned char c);

/* Whether libcsv could read `bytes` differently with its default space handling than with
 * `mfa_never_space`. By default libcsv drops spaces and tabs that begin a field, end an
 * unquoted one, or follow a closing quote; only a space or tab next to a delimiter, a line end
 * or a quote can be one of those. So when no space or tab in `bytes` has a delimiter, `\r`,
 * `\n` or `"` before it, or a delimiter, `\r` or `\n` after it, both read the same, and the
 * default (no call per byte) may parse it. `before` is the byte that precedes `bytes` in the
 * input, or -1 at its start; a space or tab that ends `bytes` counts as next to one (what
 * follows is not known yet). */
int mfa_spaces_matter(const unsigned char *bytes, size_t length, int before, unsigned char delimiter);

/* libcsv's field callback over an `mfa_fields` (`state`): copies the requested fields. */
void mfa_fields_add(void *data, size_t length, void *state);
#endif
