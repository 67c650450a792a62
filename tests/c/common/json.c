/* json.c: a recursive-descent reader for the JSON the tests look into. */
#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deep enough for any document here; a bound so a broken one cannot exhaust the stack. */
#define MAX_DEPTH 64

typedef struct {
    const char *at;
    const char *end;
    int depth;
} reader;

static int parse_value(reader *r, json *out);

static void skip_space(reader *r) {
    while (r->at < r->end && (*r->at == ' ' || *r->at == '\t' || *r->at == '\n' || *r->at == '\r')) {
        r->at++;
    }
}

static int literal(reader *r, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(r->end - r->at) < n || memcmp(r->at, word, n) != 0) {
        return 0;
    }
    r->at += n;
    return 1;
}

static int hex4(reader *r, uint32_t *out) {
    *out = 0;
    for (int i = 0; i < 4; i++, r->at++) {
        if (r->at >= r->end) {
            return 0;
        }
        char c = *r->at;
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0) {
            return 0;
        }
        *out = *out * 16 + (uint32_t)digit;
    }
    return 1;
}

static size_t put_utf8(char *out, uint32_t cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads a string literal; the result is never longer than its escaped form. */
static int parse_string(reader *r, char **out, size_t *length) {
    if (r->at >= r->end || *r->at != '"') {
        return 0;
    }
    r->at++;
    /* The unescaped text is never longer than the escaped one up to the closing quote. */
    const char *close = r->at;
    while (close < r->end && *close != '"') {
        close += (*close == '\\' && close + 1 < r->end) ? 2 : 1;
    }
    char *text = malloc((size_t)(close - r->at) + 1);
    size_t n = 0;
    while (r->at < r->end && *r->at != '"') {
        unsigned char c = (unsigned char)*r->at++;
        if (c < 0x20) {
            goto fail; /* raw control characters must be escaped */
        }
        if (c != '\\') {
            text[n++] = (char)c;
            continue;
        }
        if (r->at >= r->end) {
            goto fail;
        }
        char e = *r->at++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e != '\0' && simple != NULL && e != 'u') {
            text[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
        } else if (e == 'u') {
            uint32_t cp;
            if (!hex4(r, &cp)) {
                goto fail;
            }
            if (cp >= 0xD800 && cp < 0xDC00) { /* a high surrogate needs its low half */
                uint32_t low;
                if (!literal(r, "\\u") || !hex4(r, &low) || low < 0xDC00 || low > 0xDFFF) {
                    goto fail;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                goto fail;
            }
            n += put_utf8(text + n, cp);
        } else {
            goto fail;
        }
    }
    if (r->at >= r->end) {
        goto fail;
    }
    r->at++;
    text[n] = '\0';
    *out = text;
    *length = n;
    return 1;
fail:
    free(text);
    return 0;
}

static int parse_number(reader *r, json *out) {
    const char *start = r->at;
    const char *p = r->at;
    if (p < r->end && *p == '-') {
        p++;
    }
    if (p < r->end && *p == '0') {
        p++;
    } else if (p < r->end && *p >= '1' && *p <= '9') {
        while (p < r->end && *p >= '0' && *p <= '9') p++;
    } else {
        return 0;
    }
    if (p < r->end && *p == '.') {
        p++;
        if (p >= r->end || *p < '0' || *p > '9') return 0;
        while (p < r->end && *p >= '0' && *p <= '9') p++;
    }
    if (p < r->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < r->end && (*p == '+' || *p == '-')) p++;
        if (p >= r->end || *p < '0' || *p > '9') return 0;
        while (p < r->end && *p >= '0' && *p <= '9') p++;
    }
    char buffer[64];
    size_t n = (size_t)(p - start);
    if (n >= sizeof buffer) {
        return 0;
    }
    memcpy(buffer, start, n);
    buffer[n] = '\0';
    out->type = JSON_NUMBER;
    out->number = strtod(buffer, NULL);
    r->at = p;
    return 1;
}

/* Appends a zeroed item (and key) to an array or object under construction. */
static json *grow(json *out, char *key) {
    out->items = realloc(out->items, (out->count + 1) * sizeof *out->items);
    memset(&out->items[out->count], 0, sizeof *out->items);
    if (out->type == JSON_OBJECT) {
        out->keys = realloc(out->keys, (out->count + 1) * sizeof *out->keys);
        out->keys[out->count] = key;
    }
    return &out->items[out->count++];
}

static int parse_container(reader *r, json *out, char close) {
    out->type = close == '}' ? JSON_OBJECT : JSON_ARRAY;
    r->at++;
    if (++r->depth > MAX_DEPTH) {
        return 0;
    }
    skip_space(r);
    if (r->at < r->end && *r->at == close) {
        r->at++;
        r->depth--;
        return 1;
    }
    for (;;) {
        char *key = NULL;
        if (close == '}') {
            size_t key_length;
            skip_space(r);
            if (!parse_string(r, &key, &key_length)) {
                return 0;
            }
            skip_space(r);
            if (r->at >= r->end || *r->at != ':') {
                free(key);
                return 0;
            }
            r->at++;
        }
        if (!parse_value(r, grow(out, key))) {
            return 0;
        }
        skip_space(r);
        if (r->at < r->end && *r->at == ',') {
            r->at++;
            continue;
        }
        if (r->at < r->end && *r->at == close) {
            r->at++;
            r->depth--;
            return 1;
        }
        return 0;
    }
}

static int parse_value(reader *r, json *out) {
    skip_space(r);
    if (r->at >= r->end) {
        return 0;
    }
    switch (*r->at) {
    case '{':
        return parse_container(r, out, '}');
    case '[':
        return parse_container(r, out, ']');
    case '"':
        out->type = JSON_STRING;
        return parse_string(r, &out->string, &out->length);
    case 't':
        out->type = JSON_BOOL;
        out->boolean = 1;
        return literal(r, "true");
    case 'f':
        out->type = JSON_BOOL;
        return literal(r, "false");
    case 'n':
        out->type = JSON_NULL;
        return literal(r, "null");
    default:
        return parse_number(r, out);
    }
}

static void release(json *value) {
    for (size_t i = 0; i < value->count; i++) {
        release(&value->items[i]);
        if (value->keys != NULL) {
            free(value->keys[i]);
        }
    }
    free(value->items);
    free(value->keys);
    free(value->string);
}

json *json_parse_n(const char *text, size_t length) {
    if (text == NULL) {
        return NULL;
    }
    reader r = {text, text + length, 0};
    json *value = calloc(1, sizeof *value);
    int ok = parse_value(&r, value);
    skip_space(&r);
    if (!ok || r.at != r.end) {
        json_free(value);
        return NULL;
    }
    return value;
}

json *json_parse(const char *text) {
    return text == NULL ? NULL : json_parse_n(text, strlen(text));
}

void json_free(json *value) {
    if (value != NULL) {
        release(value);
        free(value);
    }
}

const json *json_get(const json *object, const char *key) {
    if (object == NULL || object->type != JSON_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < object->count; i++) {
        if (strcmp(object->keys[i], key) == 0) {
            return &object->items[i];
        }
    }
    return NULL;
}

const char *json_get_string(const json *object, const char *key) {
    const json *value = json_get(object, key);
    return value != NULL && value->type == JSON_STRING ? value->string : NULL;
}

const json *json_at(const json *array, size_t index) {
    return array != NULL && array->type == JSON_ARRAY && index < array->count ? &array->items[index] : NULL;
}
