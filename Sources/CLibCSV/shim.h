#ifndef MFA_ROLLOUT_CLIBCSV_SHIM_H
#define MFA_ROLLOUT_CLIBCSV_SHIM_H
#include <csv.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    /* Field index whose value is also handed to `key_field` as soon as it is parsed (the
     * user id, for duplicate detection's prefetch); -1 for none. */
    ptrdiff_t key_field;
    void (*header_field)(void *context, const void *data, size_t length);
    void (*key_field_parsed)(void *context, const unsigned char *data, size_t length);
    void *context;
} mfa_fields;

/* libcsv field callback over an `mfa_fields`. */
static inline void mfa_fields_add(void *data, size_t length, void *state_) {
    mfa_fields *state = (mfa_fields *)state_;
    ptrdiff_t index = state->field_index++;
    if (__builtin_expect(!state->header_done, 0)) {
        if (!state->aborted) state->header_field(state->context, data, length);
        return;
    }
    if (index >= state->slot_map_count) return;
    int32_t slot = state->slot_map[index];
    if (slot < 0) return;
    ptrdiff_t count = state->bytes_count;
    if (count + (ptrdiff_t)length > state->bytes_capacity) {
        ptrdiff_t capacity = state->bytes_capacity;
        while (count + (ptrdiff_t)length > capacity) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(state->bytes, (size_t)capacity);
        if (grown == NULL) {
            state->out_of_memory = 1;
            return;
        }
        state->bytes = grown;
        state->bytes_capacity = capacity;
    }
    if (length > 0) memcpy(state->bytes + count, data, length);
    state->span_start[slot] = count;
    state->span_length[slot] = (ptrdiff_t)length;
    state->bytes_count = count + (ptrdiff_t)length;
    if (index == state->key_field) state->key_field_parsed(state->context, state->bytes + count, length);
}
#endif
