/*
 * json.h: a small strict JSON reader, enough to check what the library and the emulator
 * return. A document that is not valid JSON (RFC 8259) is refused, so a test that parses
 * an output also checks that it is JSON at all.
 */
#ifndef UT_TEST_JSON_H
#define UT_TEST_JSON_H

#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json {
    json_type type;
    int boolean;
    double number;
    char *string;        /* NUL-terminated; `length` counts bytes, so "\u0000" is kept */
    size_t length;
    size_t count;        /* items of an array or members of an object */
    struct json *items;
    char **keys;         /* object member names, parallel to items */
} json;

/* The parsed document, or NULL when `text` is not exactly one JSON value. */
json *json_parse(const char *text);
json *json_parse_n(const char *text, size_t length);
void json_free(json *value);

/* Member `key` of an object (the first if repeated), or NULL. */
const json *json_get(const json *object, const char *key);
/* The string member `key`, or NULL when it is missing or not a string. */
const char *json_get_string(const json *object, const char *key);
/* Item `index` of an array, or NULL. */
const json *json_at(const json *array, size_t index);

#endif
