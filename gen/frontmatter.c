#include "frontmatter.h"

#include "input-limits.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

SrcPos
source_pos(const SourceText *src, size_t offset)
{
	int line = 1, col = 1;

	if (offset > src->len)
		offset = src->len;
	for (size_t i = 0; i < offset; i++) {
		if (src->text[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)src->text[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	return src_pos(src->file, line, col);
}

typedef struct {
	int line, col;
	guint count;
} FirstSeen;

static void
seen(FirstSeen *s, int line, int col)
{
	if (s->count++ == 0) {
		s->line = line;
		s->col = col;
	}
}

void
source_clean(const char *file, const char *bytes, size_t len, DiagList *diags,
             SourceText *out)
{
	GString *s = g_string_sized_new(len + 1);
	FirstSeen invalid = {0}, control = {0};
	/* Line-ending styles seen: LF, CRLF, CR alone. */
	int first_ending = -1, mixed_line = 0, mixed_ending = -1;
	int line = 1, col = 1;
	size_t i = 0;

	out->file = g_intern_string(file);
	if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
		diag_add(diags, DIAG_BYTE_ORDER_MARK, src_pos(file, 1, 1),
		         "file starts with a UTF-8 byte-order mark; it is ignored");
		i = 3;
	}
	while (i < len) {
		unsigned char c = (unsigned char)bytes[i];
		int ending = -1;

		if (c == '\r' || c == '\n') {
			size_t step = 1;

			if (c == '\n')
				ending = 0;
			else if (i + 1 < len && bytes[i + 1] == '\n') {
				ending = 1;
				step = 2;
			} else
				ending = 2;
			if (first_ending < 0) {
				first_ending = ending;
			} else if (ending != first_ending && mixed_line == 0) {
				mixed_line = line;
				mixed_ending = ending;
			}
			g_string_append_c(s, '\n');
			line++;
			col = 1;
			i += step;
			continue;
		}
		if (c < 0x80) {
			if (source_char_unprintable(c)) {
				seen(&control, line, col);
				g_string_append(s, "\xEF\xBF\xBD");
			} else {
				g_string_append_c(s, (char)c);
			}
			i++;
			col++;
			continue;
		}
		{
			const char *end;
			const char *p = bytes + i;
			size_t avail = len - i < 4 ? len - i : 4;
			gunichar u;

			/* Validate one character at a time so each bad byte is
			 * replaced and the rest of the line survives. */
			if (g_utf8_validate(p, (gssize)MIN(avail, (size_t)g_utf8_skip[c]), &end) &&
			    (size_t)g_utf8_skip[c] <= avail) {
				u = g_utf8_get_char(p);
				if (source_char_unprintable(u) || u == 0xFEFF) {
					/* C1 controls, a stray BOM, the Unicode line and
					 * paragraph separators and the noncharacters are as
					 * unprintable as ASCII controls. YAML also counts the
					 * separators as line breaks, which would shift every
					 * later position. */
					seen(&control, line, col);
					g_string_append(s, "\xEF\xBF\xBD");
				} else {
					g_string_append_len(s, p, g_utf8_skip[c]);
				}
				i += g_utf8_skip[c];
			} else {
				seen(&invalid, line, col);
				g_string_append(s, "\xEF\xBF\xBD");
				i++;
			}
			col++;
		}
	}
	if (invalid.count > 0)
		diag_add(diags, DIAG_INVALID_UTF8, src_pos(file, invalid.line, invalid.col),
		         "invalid UTF-8 byte%s (%u in this file); each is replaced by U+FFFD",
		         invalid.count > 1 ? "s" : "", invalid.count);
	if (control.count > 0)
		diag_add(diags, DIAG_CONTROL_CHARACTER, src_pos(file, control.line, control.col),
		         "control character%s (%u in this file); each is replaced by U+FFFD",
		         control.count > 1 ? "s" : "", control.count);
	if (mixed_line > 0) {
		static const char *const names[] = {"LF", "CRLF", "CR"};

		diag_add(diags, DIAG_MIXED_LINE_ENDINGS, src_pos(file, mixed_line, 1),
		         "line ends with %s but earlier lines end with %s; all are read as line breaks",
		         names[mixed_ending], names[first_ending]);
	}
	out->len = s->len;
	out->text = g_string_free(s, FALSE);
}

gboolean
source_read(const char *path, DiagList *diags, SourceText *out)
{
	GError *error = NULL;
	GStatBuf st;
	char *bytes;
	gsize len;

	memset(out, 0, sizeof(*out));
	/* Only regular files are read: a FIFO would block and a device could
	 * be endless. */
	if (g_stat(path, &st) != 0) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(path, 1, 1), "cannot read file: %s",
		         g_strerror(errno));
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(path, 1, 1),
		         "not a regular file (a pipe, device or socket); it is skipped");
		return FALSE;
	}
	/* The size is checked before reading, so a huge file costs nothing;
	 * a file that grows in between is caught by the second check. */
	if ((guint64)st.st_size > dossier_limits.file_bytes) {
		diag_add(diags, DIAG_FILE_TOO_LARGE, src_pos(path, 1, 1),
		         "file is %" G_GUINT64_FORMAT " bytes, over the limit of %" G_GUINT64_FORMAT
		         " (limits.file_bytes); it is skipped",
		         (guint64)st.st_size, dossier_limits.file_bytes);
		return FALSE;
	}
	if (!g_file_get_contents(path, &bytes, &len, &error)) {
		diag_add(diags, DIAG_IO_ERROR, src_pos(path, 1, 1), "cannot read file: %s",
		         error->message);
		g_error_free(error);
		return FALSE;
	}
	if (len > dossier_limits.file_bytes) {
		diag_add(diags, DIAG_FILE_TOO_LARGE, src_pos(path, 1, 1),
		         "file is %zu bytes, over the limit of %" G_GUINT64_FORMAT
		         " (limits.file_bytes); it is skipped", (size_t)len, dossier_limits.file_bytes);
		g_free(bytes);
		return FALSE;
	}
	source_clean(path, bytes, len, diags, out);
	g_free(bytes);
	return TRUE;
}

gboolean
source_char_unprintable(gunichar c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c < 0xA0) || c == 0x2028 ||
	       c == 0x2029 || c == 0xFFFE || c == 0xFFFF || (c >= 0xFDD0 && c <= 0xFDEF);
}

gboolean
source_path_inside(const char *root, const char *path)
{
	char *real_root = realpath(root, NULL), *real = realpath(path, NULL);
	gboolean ok = real_root != NULL && real != NULL && g_str_has_prefix(real, real_root) &&
	              (real[strlen(real_root)] == '/' || real[strlen(real_root)] == '\0');

	free(real_root);
	free(real);
	return ok;
}

void
source_clear(SourceText *src)
{
	g_free(src->text);
	src->text = NULL;
	src->len = 0;
}

/* Returns TRUE when the line at text[start..] is exactly `mark` followed
 * by optional spaces or tabs; sets *next to the start of the next line. */
static gboolean
is_delimiter(const char *text, size_t len, size_t start, const char *mark, size_t *next)
{
	size_t n = strlen(mark), i;

	if (start + n > len || memcmp(text + start, mark, n) != 0)
		return FALSE;
	for (i = start + n; i < len && text[i] != '\n'; i++)
		if (text[i] != ' ' && text[i] != '\t')
			return FALSE;
	*next = i < len ? i + 1 : len;
	return TRUE;
}

gboolean
frontmatter_split(const SourceText *src, DiagList *diags, FrontmatterSplit *out)
{
	size_t pos, next;
	int line;

	memset(out, 0, sizeof(*out));
	out->body_line = 1;
	if (!is_delimiter(src->text, src->len, 0, "---", &next))
		return TRUE;
	out->has_frontmatter = TRUE;
	out->yaml_start = next;
	out->yaml_line = 2;
	line = 2;
	for (pos = next; pos < src->len; line++) {
		if (is_delimiter(src->text, src->len, pos, "---", &next) ||
		    is_delimiter(src->text, src->len, pos, "...", &next)) {
			out->yaml_len = pos - out->yaml_start;
			out->body_start = next;
			out->body_line = line + 1;
			return TRUE;
		}
		while (pos < src->len && src->text[pos] != '\n')
			pos++;
		pos++;
	}
	diag_add(diags, DIAG_UNTERMINATED_FRONTMATTER, src_pos(src->file, 1, 1),
	         "frontmatter opened here is never closed with a '---' line; the file is skipped");
	return FALSE;
}
