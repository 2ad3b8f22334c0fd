/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nls.h: the language of messages.  A message in GNU cp's words is looked
 * up in coreutils' catalog with GNU's own message id, so that zcp says
 * what cp says in every language cp speaks on the machine; zcp's own
 * words are looked up in zcp's catalog (po/).  What programs read
 * (--json, --csv) stays in English.
 *
 * The marks, which xgettext reads (Makefile.am):
 *   _("...")		zcp's words, translated here
 *   N_("...")		zcp's words, translated later (nls_text())
 *   P_(one, many, n)	zcp's words, singular or plural
 *   CP_("...")		GNU cp's words (a coreutils message id),
 *			translated
 *   CPN_("...")	GNU cp's words, translated later (nls_text())
 *   CPZ_("...")	GNU cp's words from a coreutils newer than some
 *			systems have (9.4's "skipped %s\n"): coreutils'
 *			translation where its catalog has one, else zcp's
 * po/zcp.pot holds the first three and the last; every string marked
 * with CP_() or CPN_() must be a message id of the installed coreutils
 * (tests/locale.bats checks).
 */
#ifndef ZCP_NLS_H
#define ZCP_NLS_H

#if ENABLE_NLS
#include <libintl.h>

#define NLS_DOMAIN	"zcp"
#define NLS_GNU_DOMAIN	"coreutils"
#define _(s)		dgettext(NLS_DOMAIN, s)
#define P_(s, p, n)	dngettext(NLS_DOMAIN, s, p, n)
#define CP_(s)		dgettext(NLS_GNU_DOMAIN, s)
#define CPZ_(s)		nls_cp_text(s)
#else
#define _(s)		(s)
#define P_(s, p, n)	((n) == 1 ? (s) : (p))
#define CP_(s)		(s)
#define CPZ_(s)		(s)
#endif
#define N_(s)		s
#define CPN_(s)		s

/*
 * Sets the locale from the environment and says where zcp's catalog is
 * (LOCALEDIR, or $ZCP_LOCALEDIR for an uninstalled build's tests).  Call
 * first, before any thread starts.
 */
void		 nls_init(void);
/*
 * Returns msgid, a string marked N_() or CPN_(), in the user's language:
 * from zcp's catalog, else from coreutils', else as is.
 */
const char	*nls_text(const char *);
/*
 * Returns msgid, a message of GNU cp's marked CPZ_(), in the user's
 * language: from coreutils' catalog, else from zcp's, else as is.
 */
const char	*nls_cp_text(const char *);
/*
 * Returns strerror(e) in English (the C locale's), for output that
 * programs read.  Never NULL.
 */
const char	*nls_strerror_c(int);

#endif
