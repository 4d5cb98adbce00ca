// SPDX-License-Identifier: GPL-2.0-only
/* libhvd: checks on strings that come from the host, and their escaping for logs. */
#include <string.h>

#include "hvd.h"

ssize_t hvd_field_strlen(const void *field, size_t size)
{
	const char *nul = memchr(field, '\0', size);

	return nul ? nul - (const char *)field : -1;
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most avail bytes), or 0
 * if the bytes there are not one (bad lead byte, bad continuation,
 * overlong, surrogate, above U+10FFFF, cut short).
 */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool hvd_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] == 0)
			return false;
		n = utf8_seq_len(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

size_t hvd_utf8_sanitize(char *dst, size_t dst_size, const void *src,
			 size_t src_size)
{
	const unsigned char *p = src;
	ssize_t slen = hvd_field_strlen(src, src_size);
	size_t len = slen < 0 ? src_size : (size_t)slen;
	size_t i = 0, o = 0, n;

	if (dst_size == 0)
		return 0;
	while (i < len) {
		n = utf8_seq_len(p + i, len - i);
		if (n == 1 && p[i] < 0x20 && p[i] != '\t')
			n = 0;
		if (o + (n ? n : 1) > dst_size - 1)
			break;
		if (n) {
			memcpy(dst + o, p + i, n);
			o += n;
			i += n;
		} else {
			dst[o++] = '?';
			i++;
		}
	}
	memset(dst + o, 0, dst_size - o);
	return o;
}

bool hvd_name_safe(const char *s, size_t max_len)
{
	size_t i, len = strnlen(s, max_len + 1);

	if (len == 0 || len > max_len || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == ':' || c == '@' || c == '-'))
			return false;
	}
	return s[0] != '-';
}

/*
 * The escaped form of the character at s (avail bytes left) into piece
 * (16 bytes); returns its length and sets *used to the bytes consumed.
 */
static size_t esc_piece(const unsigned char *s, size_t avail, char *piece, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = utf8_seq_len(s, avail), k;

	/* C0, DEL, C1 (U+0080..U+009F is 0xc2 0x80..0x9f) and bad bytes */
	if (n == 0 || (n == 1 && (s[0] < 0x20 || s[0] == 0x7f)) ||
	    (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)) {
		n = n ? n : 1;
		for (k = 0; k < n; k++) {
			piece[4 * k] = '\\';
			piece[4 * k + 1] = 'x';
			piece[4 * k + 2] = hex[s[k] >> 4];
			piece[4 * k + 3] = hex[s[k] & 15];
		}
		*used = n;
		return 4 * n;
	}
	*used = n;
	if (s[0] == '\\') {
		piece[0] = piece[1] = '\\';
		return 2;
	}
	memcpy(piece, s, n);
	return n;
}

const char *hvd_esc_mem(char *dst, size_t dst_size, const void *src, size_t len)
{
	const unsigned char *p = src;
	size_t i, o = 0, n, k, total = 0, room;
	char piece[16];

	if (dst_size < 4) {
		if (dst_size)
			dst[0] = '\0';
		return dst;
	}
	for (i = 0; i < len; i += n)
		total += esc_piece(p + i, len - i, piece, &n);
	/* all of it, or as many whole pieces as leave room for "..." */
	room = total <= dst_size - 1 ? dst_size - 1 : dst_size - 4;
	for (i = 0; i < len; i += n) {
		k = esc_piece(p + i, len - i, piece, &n);
		if (o + k > room)
			break;
		memcpy(dst + o, piece, k);
		o += k;
	}
	if (i < len) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

const char *hvd_esc(char *dst, size_t dst_size, const char *src)
{
	return hvd_esc_mem(dst, dst_size, src, strlen(src));
}
