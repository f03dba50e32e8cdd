#include "CLibCSVFields.h"

#include <stdlib.h>
#include <string.h>

static inline uint64_t mfa_load64(const unsigned char *from) {
    uint64_t word;
    memcpy(&word, from, 8);
    return word;
}

static inline void mfa_store64(unsigned char *to, uint64_t word) {
    memcpy(to, &word, 8);
}

/* Nonzero (in bit 7 of some byte) when some byte of `word` is below 0x0E, NUL to CR; an
 * exact test of whether there is one, not of which. */
static inline uint64_t mfa_low_bytes(uint64_t word) {
    return (word - 0x0E0E0E0E0E0E0E0EULL) & ~word & 0x8080808080808080ULL;
}

static inline uint32_t mfa_low_bytes32(uint32_t word) {
    return (word - 0x0E0E0E0EU) & ~word & 0x80808080U;
}

/* Whether any of `length` bytes is below 0x0E, so that a line break (LF or CR) may be among
 * them: the words `mfa_copy_field` reads, without the copy (for fields not kept). */
static inline int mfa_may_break(const unsigned char *from, size_t length) {
    if (length >= 8) {
        uint64_t low = mfa_low_bytes(mfa_load64(from)) | mfa_low_bytes(mfa_load64(from + length - 8));
        if (length <= 16) return low != 0;
        for (size_t offset = 8; offset + 8 < length; offset += 8) low |= mfa_low_bytes(mfa_load64(from + offset));
        return low != 0;
    }
    if (length >= 4) {
        uint32_t head, tail;
        memcpy(&head, from, 4);
        memcpy(&tail, from + length - 4, 4);
        return (mfa_low_bytes32(head) | mfa_low_bytes32(tail)) != 0;
    }
    if (length == 0) return 0;
    return (from[0] < 0x0E) | (from[length / 2] < 0x0E) | (from[length - 1] < 0x0E);
}

/* The line breaks in `length` bytes: each LF, each CR not followed by LF. */
static ptrdiff_t mfa_count_breaks(const unsigned char *from, size_t length) {
    ptrdiff_t breaks = 0;
    for (size_t i = 0; i < length; i++) {
        if (from[i] == '\n') breaks++;
        else if (from[i] == '\r' && (i + 1 == length || from[i + 1] != '\n')) breaks++;
    }
    return breaks;
}

/* Copies `length` bytes and returns the OR of the bytes copied, spread over a word (every
 * byte is covered at least once); `*low` is nonzero when a byte below 0x0E was copied (a
 * line break may be among them). Fields are short, nearly all under 64 bytes, and a call to
 * `memcpy` for each of ten million of them costs more than the copy: up to 64 bytes this
 * copies in whole words, the last ones overlapping those before, as `memcpy`'s own small-size
 * path does, without the call. No loops below 64 bytes, or the compiler turns them back into
 * a `memcpy` call. */
static inline uint64_t mfa_copy_field(
    unsigned char *restrict to, const unsigned char *restrict from, size_t length, uint64_t *low) {
    if (length >= 8) {
        if (length <= 16) {
            uint64_t a = mfa_load64(from), b = mfa_load64(from + length - 8);
            mfa_store64(to, a);
            mfa_store64(to + length - 8, b);
            *low = mfa_low_bytes(a) | mfa_low_bytes(b);
            return a | b;
        }
        if (length <= 32) {
            uint64_t a = mfa_load64(from), b = mfa_load64(from + 8);
            uint64_t c = mfa_load64(from + length - 16), d = mfa_load64(from + length - 8);
            mfa_store64(to, a);
            mfa_store64(to + 8, b);
            mfa_store64(to + length - 16, c);
            mfa_store64(to + length - 8, d);
            *low = mfa_low_bytes(a) | mfa_low_bytes(b) | mfa_low_bytes(c) | mfa_low_bytes(d);
            return a | b | c | d;
        }
        if (length <= 64) {
            uint64_t a = mfa_load64(from), b = mfa_load64(from + 8);
            uint64_t c = mfa_load64(from + 16), d = mfa_load64(from + 24);
            const unsigned char *tail = from + length - 32;
            uint64_t e = mfa_load64(tail), f = mfa_load64(tail + 8);
            uint64_t g = mfa_load64(tail + 16), h = mfa_load64(tail + 24);
            unsigned char *tailTo = to + length - 32;
            mfa_store64(to, a);
            mfa_store64(to + 8, b);
            mfa_store64(to + 16, c);
            mfa_store64(to + 24, d);
            mfa_store64(tailTo, e);
            mfa_store64(tailTo + 8, f);
            mfa_store64(tailTo + 16, g);
            mfa_store64(tailTo + 24, h);
            *low = mfa_low_bytes(a) | mfa_low_bytes(b) | mfa_low_bytes(c) | mfa_low_bytes(d) | mfa_low_bytes(e) |
                   mfa_low_bytes(f) | mfa_low_bytes(g) | mfa_low_bytes(h);
            return a | b | c | d | e | f | g | h;
        }
        memcpy(to, from, length);
        uint64_t bits = mfa_load64(from + length - 8), lows = mfa_low_bytes(bits);
        for (size_t offset = 0; offset + 8 <= length; offset += 8) {
            uint64_t word = mfa_load64(from + offset);
            bits |= word;
            lows |= mfa_low_bytes(word);
        }
        *low = lows;
        return bits;
    }
    if (length >= 4) {
        uint32_t head, tail;
        memcpy(&head, from, 4);
        memcpy(&tail, from + length - 4, 4);
        memcpy(to, &head, 4);
        memcpy(to + length - 4, &tail, 4);
        *low = mfa_low_bytes32(head) | mfa_low_bytes32(tail);
        return (uint64_t)(head | tail);
    }
    if (length == 0) {
        *low = 0;
        return 0;
    }
    /* 1 to 3 bytes: the first, the middle and the last cover them. */
    unsigned char first = from[0], middle = from[length / 2], last = from[length - 1];
    to[0] = first;
    to[length / 2] = middle;
    to[length - 1] = last;
    *low = (first < 0x0E) | (middle < 0x0E) | (last < 0x0E);
    return (uint64_t)(first | middle | last);
}

/* Whether any of `length` bytes is a control character (below 0x20, or DEL). No early exit,
 * so the compiler can test many bytes at once; it runs on the user id, once a row. */
static inline int mfa_has_control(const unsigned char *bytes, size_t length) {
    unsigned char found = 0;
    for (size_t i = 0; i < length; i++) found |= (unsigned char)((bytes[i] < 0x20) | (bytes[i] == 0x7F));
    return found;
}

int mfa_never_space(unsigned char c) {
    (void)c;
    return 0;
}

static inline int mfa_ends_field(int c, unsigned char delimiter) {
    return c == delimiter || c == '\n' || c == '\r';
}

int mfa_spaces_matter(const unsigned char *bytes, size_t length, int before, unsigned char delimiter) {
    if (delimiter == ' ' || delimiter == '\t') return 1;
    const unsigned char *end = bytes + length;
    static const unsigned char spaces[2] = {' ', '\t'};
    for (int kind = 0; kind < 2; kind++) {
        const unsigned char *at = bytes;
        while (at < end && (at = (const unsigned char *)memchr(at, spaces[kind], (size_t)(end - at))) != NULL) {
            if (at + 1 == end) return 1;
            int previous = at == bytes ? before : at[-1];
            if (previous < 0 || mfa_ends_field(previous, delimiter) || previous == '"') return 1;
            if (mfa_ends_field(at[1], delimiter)) return 1;
            at++;
        }
    }
    return 0;
}

/* libcsv field callback over an `mfa_fields`. */
void mfa_fields_add(void *data, size_t length, void *state_) {
    mfa_fields *state = (mfa_fields *)state_;
    ptrdiff_t index = state->field_index++;
    /* After an error, libcsv still parses the rest of the chunk: nothing of it may count (a
     * later record's limit would be reported as the first). */
    if (__builtin_expect(state->aborted, 0)) return;
    if (__builtin_expect((ptrdiff_t)length > state->max_field, 0)) {
        if (state->oversized_field == 0) state->oversized_field = index + 1;
        state->aborted = 1;
        return;
    }
    state->record_bytes += (ptrdiff_t)length + 1;
    if (__builtin_expect(state->record_bytes > state->max_record, 0)) {
        state->oversized_record = 1;
        state->aborted = 1;
        return;
    }
    if (__builtin_expect(!state->header_done, 0)) {
        state->header_field(state->context, data, length);
        return;
    }
    const unsigned char *from = (const unsigned char *)data;
    int32_t slot = index < state->slot_map_count ? state->slot_map[index] : -1;
    if (slot < 0) {
        if (__builtin_expect(mfa_may_break(from, length), 0)) state->line_breaks += mfa_count_breaks(from, length);
        return;
    }
    if (state->strip_quote && length > 0 && from[0] == '\'') {
        from++;
        length--;
        if (slot < 63) state->quoted_slots |= (uint64_t)1 << slot;
    }
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
    uint64_t low;
    state->high_bits |= mfa_copy_field(state->bytes + count, from, length, &low);
    if (__builtin_expect(low != 0, 0)) state->line_breaks += mfa_count_breaks(from, length);
    state->span_start[slot] = count;
    state->span_length[slot] = (ptrdiff_t)length;
    state->bytes_count = count + (ptrdiff_t)length;
    if (index == state->key_field) {
        state->key_has_control = mfa_has_control(state->bytes + count, length);
        state->key_field_parsed(state->context, state->bytes + count, length);
    }
}
