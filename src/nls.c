/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nls.c: which language a message is in (nls.h): the locale, zcp's
 * catalog, and English for output that programs read.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "nls.h"

/* The C locale, for nls_strerror_c(); (locale_t)0 if none was made. */
static locale_t nls_c;

void
nls_init(void)
{
#if ENABLE_NLS
	const char *dir;
#endif

	/* (Not where it would leave too little memory: compat.h.) */
	compat_setlocale(COMPAT_LOCALE_KEEP);
	nls_c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
#if ENABLE_NLS
	if ((dir = secure_getenv("ZCP_LOCALEDIR")) == NULL || *dir == '\0')
		dir = LOCALEDIR;
	(void)bindtextdomain(NLS_DOMAIN, dir);
#endif
}

const char *
nls_text(const char *msgid)
{
#if ENABLE_NLS
	const char *t = dgettext(NLS_DOMAIN, msgid);

	/* gettext gives the very pointer back when it has no translation. */
	return t != msgid ? t : dgettext(NLS_GNU_DOMAIN, msgid);
#else
	return msgid;
#endif
}

const char *
nls_cp_text(const char *msgid)
{
#if ENABLE_NLS
	const char *t = dgettext(NLS_GNU_DOMAIN, msgid);

	return t != msgid ? t : dgettext(NLS_DOMAIN, msgid);
#else
	return msgid;
#endif
}

const char *
nls_strerror_c(int e)
{
	/* Without a locale object (no memory at start): the user's. */
	return nls_c != (locale_t)0 ? strerror_l(e, nls_c) : strerror(e);
}
