/* wordcount.c: a plugin that counts words, lines and bytes as wc does, answering {"words":N,"lines":N,"bytes":N}. */
#include "wasmhost_plugin.h"

/* wc's rules: a word is a maximal run of bytes that are not white space (space, \t, \n, \v, \f,
 * \r), and lines are newline characters, so a last line without one is not counted. */
static int is_space(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static int wordcount(const uint8_t *input, size_t length, wh_plugin_output *out)
{
    uint64_t words = 0, lines = 0;
    int in_word = 0;
    for (size_t i = 0; i < length; i++) {
        uint8_t c = input[i];
        lines += c == '\n';
        if (is_space(c)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
    }
    wh_output_string(out, "{\"words\":");
    wh_output_uint(out, words);
    wh_output_string(out, ",\"lines\":");
    wh_output_uint(out, lines);
    wh_output_string(out, ",\"bytes\":");
    wh_output_uint(out, length);
    return wh_output_string(out, "}\n");
}

WASMHOST_PLUGIN_EXPORT(process, wordcount)
