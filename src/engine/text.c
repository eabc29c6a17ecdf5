/* text.c: names and function types as text, the one way the engine's messages and wasmhost's tools write them. */
#include "module.h"

#include <stdio.h>

void eng_name_write(FILE *out, const char *data, size_t length, size_t max_length)
{
    fputc('"', out);
    for (size_t i = 0; i < length; i++) {
        if (i == max_length) {
            fputs("...", out);
            break;
        }
        unsigned char c = (unsigned char)data[i];
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
            fprintf(out, "\\%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void eng_functype_write_with(FILE *out, const void *type, size_t param_count, size_t result_count,
                             eng_value_name_at *name_at)
{
    fputs("func [", out);
    for (size_t i = 0; i < param_count; i++)
        fprintf(out, "%s%s", i ? " " : "", name_at(type, i));
    fputs("] -> [", out);
    for (size_t i = 0; i < result_count; i++)
        fprintf(out, "%s%s", i ? " " : "", name_at(type, param_count + i));
    fputc(']', out);
}

const char *eng_functype_value_name(const void *type, size_t index)
{
    return eng_valtype_name(((const eng_functype *)type)->types[index]);
}

void eng_functype_write(FILE *out, const eng_functype *type)
{
    eng_functype_write_with(out, type, type->param_count, type->result_count, eng_functype_value_name);
}
