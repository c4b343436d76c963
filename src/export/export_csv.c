/*
 * The CSV writer of the exports. Excel opens a UTF-8 file as such only with
 * a byte-order mark, so every file starts with one; records end in CRLF and
 * fields are quoted as RFC 4180 says. A spreadsheet evaluates a cell that
 * starts with = + - @ (and, in some programs, TAB, CR or the full-width
 * forms an input method produces), so such a text cell gets a leading '
 * (CSV injection). Numbers are written as numbers: they are not user text.
 */
#include "export/export.h"

#include <stdio.h>
#include <string.h>

/* Whether s starts with a character a spreadsheet may take as a formula. */
static bool risky(const char *s)
{
    static const char *const wide[] = {"\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D",
                                       "\xEF\xBC\xA0"}; /* ＝ ＋ － ＠ */
    if (*s && strchr("=+-@\t\r", *s))
        return true;
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (!strncmp(s, wide[i], 3))
            return true;
    return false;
}

bool export_csv_field(struct buf *out, const char *s)
{
    bool inject = risky(s);
    bool quote = inject || strpbrk(s, ",\"\r\n") != NULL;
    bool ok = true;
    if (quote)
        ok = buf_append(out, "\"", 1);
    if (ok && inject)
        ok = buf_append(out, "'", 1);
    for (const char *p = s; ok && *p; p++) {
        if (*p == '"')
            ok = buf_append(out, "\"\"", 2);
        else
            ok = buf_append(out, p, 1);
    }
    if (ok && quote)
        ok = buf_append(out, "\"", 1);
    return ok;
}

static bool cell(struct buf *out, json_t *v)
{
    char num[64];
    if (json_is_string(v))
        return export_csv_field(out, json_string_value(v));
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return buf_puts(out, num);
    }
    if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.15g", json_real_value(v));
        return buf_puts(out, num);
    }
    return true; /* null: empty */
}

bool export_csv(const struct export_table *t, struct buf *out)
{
    bool ok = buf_append(out, "\xEF\xBB\xBF", 3);
    if (ok && t->caption) {
        ok = export_csv_field(out, t->caption) && buf_append(out, "\r\n", 2);
    }
    for (size_t c = 0; ok && c < t->ncols; c++)
        ok = (c == 0 || buf_append(out, ",", 1)) && export_csv_field(out, t->headers[c]);
    ok = ok && buf_append(out, "\r\n", 2);
    size_t i;
    json_t *row;
    json_array_foreach(t->rows, i, row)
    {
        for (size_t c = 0; ok && c < t->ncols; c++)
            ok = (c == 0 || buf_append(out, ",", 1)) && cell(out, json_array_get(row, c));
        ok = ok && buf_append(out, "\r\n", 2);
        if (!ok)
            break;
    }
    return ok;
}
