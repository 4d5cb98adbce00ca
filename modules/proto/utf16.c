// SPDX-License-Identifier: GPL-2.0-only
/*
 * String conversions between the host (UTF-16LE) and the daemons (UTF-8).
 * Both directions are strict: a lone surrogate, a malformed or overlong
 * UTF-8 sequence, or a result that does not fit is an error, never a
 * silently shortened string.
 */
#include "utf16.h"

static u32 get16(const u8 *p)
{
	return p[0] | (u32)p[1] << 8;
}

static void put16(u8 *p, u32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

/**
 * hvlis_utf16_to_utf8() - convert a host string for a daemon
 * @src: UTF-16LE code units
 * @units: how many units @src has; the string ends at the first NUL or here
 * @need_nul: the string must end with a NUL within @units
 * @dst: the UTF-8 result, always NUL-terminated on success
 * @size: bytes at @dst, the NUL included
 *
 * Return: the length of the result without its NUL; -EINVAL for a lone
 * surrogate or (with @need_nul) no NUL; -ENOSPC when it does not fit.
 */
int hvlis_utf16_to_utf8(const u8 *src, size_t units, bool need_nul, char *dst, size_t size)
{
	size_t i, len = 0;
	u32 c, lo;
	int n;

	if (!size)
		return -ENOSPC;
	for (i = 0; i < units; i++) {
		c = get16(src + 2 * i);
		if (!c)
			break;
		if (c >= 0xdc00 && c <= 0xdfff)
			return -EINVAL;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (i + 1 >= units)
				return -EINVAL;
			lo = get16(src + 2 * (i + 1));
			if (lo < 0xdc00 || lo > 0xdfff)
				return -EINVAL;
			i++;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
		}
		n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		if (len + n >= size)
			return -ENOSPC;
		switch (n) {
		case 1:
			dst[len] = (char)c;
			break;
		case 2:
			dst[len] = (char)(0xc0 | c >> 6);
			dst[len + 1] = (char)(0x80 | (c & 0x3f));
			break;
		case 3:
			dst[len] = (char)(0xe0 | c >> 12);
			dst[len + 1] = (char)(0x80 | ((c >> 6) & 0x3f));
			dst[len + 2] = (char)(0x80 | (c & 0x3f));
			break;
		default:
			dst[len] = (char)(0xf0 | c >> 18);
			dst[len + 1] = (char)(0x80 | ((c >> 12) & 0x3f));
			dst[len + 2] = (char)(0x80 | ((c >> 6) & 0x3f));
			dst[len + 3] = (char)(0x80 | (c & 0x3f));
			break;
		}
		len += n;
	}
	if (i == units && need_nul)
		return -EINVAL;
	dst[len] = '\0';
	return (int)len;
}

/* One code point from @s (@left bytes); its length in *@n, or 0 if bad. */
static u32 utf8_next(const u8 *s, size_t left, int *n)
{
	static const u32 min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	u32 c = s[0];
	int k, i;

	if (c < 0x80) {
		*n = 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		goto bad;
	if ((size_t)k > left)
		goto bad;
	c &= 0x7f >> k;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[k] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*n = k;
	return c;
bad:
	*n = 0;
	return 0;
}

/**
 * hvlis_utf8_to_utf16() - convert a daemon string for the host
 * @src: UTF-8, NUL-terminated within @bytes
 * @bytes: the size of the field @src is in
 * @dst: the UTF-16LE result, always NUL-terminated on success
 * @units: code units at @dst, the NUL included
 *
 * Return: the units written without the NUL; -EINVAL for malformed UTF-8
 * or no NUL within @bytes; -ENOSPC when it does not fit.
 */
int hvlis_utf8_to_utf16(const char *src, size_t bytes, u8 *dst, size_t units)
{
	const u8 *s = (const u8 *)src;
	size_t i = 0, len = 0;
	u32 c;
	int n;

	if (!units)
		return -ENOSPC;
	for (;;) {
		if (i >= bytes)
			return -EINVAL;
		if (!s[i])
			break;
		c = utf8_next(s + i, bytes - i, &n);
		if (!n)
			return -EINVAL;
		i += n;
		if (c >= 0x10000) {
			if (len + 2 >= units)
				return -ENOSPC;
			c -= 0x10000;
			put16(dst + 2 * len, 0xd800 | c >> 10);
			put16(dst + 2 * len + 2, 0xdc00 | (c & 0x3ff));
			len += 2;
		} else {
			if (len + 1 >= units)
				return -ENOSPC;
			put16(dst + 2 * len, c);
			len++;
		}
	}
	put16(dst + 2 * len, 0);
	return (int)len;
}
