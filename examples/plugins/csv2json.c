/* csv2json.c: a plugin that turns CSV with a header line into a JSON array of objects, one per record. */
#include "wasmhost_plugin.h"

/* CSV as RFC 4180 has it: fields separated by commas, records by \n or \r\n; a field in double
 * quotes may hold commas, line breaks and quotes written twice (""). The header's fields name the
 * keys; every value is a JSON string, in the header's order. Empty lines are skipped; a record
 * with more or fewer fields than the header, or a quote left open, fails the call with its line. */

typedef struct field {
    size_t start, end; /* the bytes between the quotes, for a quoted field */
    int quoted;
} field;

typedef enum field_end { FIELD_COMMA, FIELD_RECORD_END } field_end;

typedef struct reader {
    const uint8_t *text;
    size_t length, position;
    uint64_t line; /* of `position`, from 1 */
} reader;

/* Fails the call with "line N: WHAT". */
static int fail_at(uint64_t line, const char *what)
{
    wh_plugin_output message = {0, 0, 0, 0};
    wh_output_string(&message, "line ");
    wh_output_uint(&message, line);
    wh_output_string(&message, ": ");
    wh_output_string(&message, what);
    if (message.out_of_memory)
        return wh_plugin_fail(what);
    return wh_plugin_fail_bytes((const char *)message.data, message.length);
}

/* Reads the field at the reader's position and says what ended it. */
static field_end read_field(reader *in, field *out)
{
    const uint8_t *text = in->text;
    size_t i = in->position;
    if (i < in->length && text[i] == '"') {
        uint64_t opened_on = in->line;
        out->quoted = 1;
        out->start = ++i;
        for (;; i++) {
            if (i >= in->length)
                fail_at(opened_on, "a quoted field is not closed");
            if (text[i] == '\n')
                in->line++;
            if (text[i] != '"')
                continue;
            if (i + 1 < in->length && text[i + 1] == '"') {
                i++; /* "" stands for one quote */
                continue;
            }
            break;
        }
        out->end = i++;
        if (i < in->length && text[i] == '\r' && (i + 1 == in->length || text[i + 1] == '\n'))
            i++;
        if (i < in->length && text[i] != ',' && text[i] != '\n')
            fail_at(in->line, "a closing quote must end its field (write a quote inside one as \"\")");
    } else {
        out->quoted = 0;
        out->start = i;
        while (i < in->length && text[i] != ',' && text[i] != '\n')
            i++;
        /* A \r before the line break (or the end) belongs to it, not to the field. */
        out->end = i;
        if (out->end > out->start && text[out->end - 1] == '\r' && (i == in->length || text[i] == '\n'))
            out->end--;
    }
    if (i < in->length && text[i] == ',') {
        in->position = i + 1;
        return FIELD_COMMA;
    }
    if (i < in->length) { /* '\n' */
        in->line++;
        i++;
    }
    in->position = i;
    return FIELD_RECORD_END;
}

/* Skips empty lines (\n or \r\n alone); false at the end of the text. */
static int at_record(reader *in)
{
    for (;;) {
        size_t i = in->position;
        if (i < in->length && in->text[i] == '\r')
            i++;
        if (i >= in->length)
            return 0;
        if (in->text[i] != '\n')
            return 1;
        in->position = i + 1;
        in->line++;
    }
}

/* The field's value as a JSON string ("" inside a quoted field becoming one quote). */
static void output_field(wh_plugin_output *out, wh_plugin_output *scratch, const uint8_t *text, const field *value)
{
    if (!value->quoted) {
        wh_output_json_string(out, text + value->start, value->end - value->start);
        return;
    }
    scratch->length = 0;
    for (size_t i = value->start; i < value->end; i++) {
        wh_output_char(scratch, (char)text[i]);
        if (text[i] == '"')
            i++;
    }
    wh_output_json_string(out, scratch->data, scratch->length);
}

static int csv2json(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    reader in = {input, length, 0, 1};
    wh_output_char(out, '[');
    if (!at_record(&in))
        return wh_output_string(out, "]\n");

    /* The header: its fields, in a buffer that grows as they come. */
    wh_plugin_output names = {0, 0, 0, 0};
    size_t column_count = 0;
    field name;
    field_end end;
    do {
        end = read_field(&in, &name);
        wh_output_bytes(&names, &name, sizeof name);
        column_count++;
    } while (end == FIELD_COMMA);
    if (names.out_of_memory)
        return wh_plugin_fail("out of memory reading the header");
    const field *columns = (const field *)names.data;

    wh_plugin_output scratch = {0, 0, 0, 0};
    for (int first = 1; at_record(&in); first = 0) {
        uint64_t record_line = in.line;
        wh_output_string(out, first ? "{" : ",{");
        size_t column = 0;
        do {
            field value;
            end = read_field(&in, &value);
            if (column == column_count)
                return fail_at(record_line, "the record has more fields than the header");
            if (column)
                wh_output_char(out, ',');
            output_field(out, &scratch, input, &columns[column]);
            wh_output_char(out, ':');
            output_field(out, &scratch, input, &value);
            column++;
        } while (end == FIELD_COMMA);
        if (column < column_count)
            return fail_at(record_line, "the record has fewer fields than the header");
        wh_output_char(out, '}');
    }
    wh_plugin_release(scratch.data);
    wh_plugin_release(names.data);
    return wh_output_string(out, "]\n");
}

WASMHOST_PLUGIN_EXPORT(process, csv2json)
