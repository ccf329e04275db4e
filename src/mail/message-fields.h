/*
 * mail/message-fields.h - every string a pd_message holds, in one list.
 *
 * Five places walk a message's strings: freeing it (message.c), slimming
 * a reply (digest/digest.c), sizing and packing a kept copy
 * (digest/message-pack.c) and the tests' field-by-field comparison
 * (tests/unit/message-compare.h).  Each expands PD__MESSAGE_STRINGS, so a
 * new string is named here once.  A kept copy starts as `*p = *m`: a
 * pointer missing from the list would be shared by both and freed twice,
 * so the assertions at the end stop the build until pd_message and the
 * lists below agree.
 *
 * X(field, pack, reply):
 *   field  the string's path from a pd_message (author.name)
 *   pack   POOL: kept once in the digest's pool of shared strings (it
 *          repeats across messages); OWN: copied into the message's own
 *          block; BODY: the same, but only when the commit message stays
 *          in the message (digest/body-store.c keeps it otherwise); GONE:
 *          not kept (read when the message is added -- damage and notes
 *          are reported then, the List-Id names the list, the raw
 *          bytes go to the report's store -- and never after: NULL in
 *          a report)
 *   reply  KEEP: a kept reply holds it; DROP: it does not (replies are
 *          half an archive; only what is read again stays); TITLED: only by a reply listed under its own title (a pull
 *          request, or a reply saying "applied" to a patch that is
 *          not in the archive)
 * `references`, the one array, and `facts`, a reply's (owned, moved into
 * a kept copy), are handled by each place itself.
 */
#ifndef PD_MAIL_MESSAGE_FIELDS_H
#define PD_MAIL_MESSAGE_FIELDS_H

#include <stddef.h>
#include "patchdigest.h"

#define PD__MESSAGE_STRINGS(X) \
	X(message_id,     POOL, KEEP)  \
	X(subject,        OWN,  TITLED) \
	X(tags.title,     OWN,  TITLED) \
	X(sender.name,    POOL, KEEP)  \
	X(sender.address, POOL, KEEP)  \
	X(author.name,    POOL, DROP)  \
	X(author.address, POOL, DROP)  \
	X(date_raw,       GONE, DROP)  \
	X(list_id,        GONE, DROP)  \
	X(to_address,     POOL, DROP)  \
	X(commit_message, BODY, DROP)  \
	X(origin,         OWN,  DROP)  \
	X(damage,         GONE, DROP)  \
	X(note,           GONE, DROP)  \
	X(raw,            GONE, DROP)

/* pd_message's members in order, with their types: the assertions below
 * compare this with the real struct. */
#define PD__MESSAGE_MEMBERS(X) \
	X(char *, message_id)          \
	X(char **, references)         \
	X(char *, subject)             \
	X(pd_subject_info, tags)       \
	X(pd_person, sender)           \
	X(pd_person, author)           \
	X(int64_t, date)               \
	X(int, date_tz)                \
	X(char *, date_raw)            \
	X(char *, list_id)             \
	X(char *, to_address)          \
	X(pd_kind, kind)               \
	X(int, has_diff)               \
	X(char *, commit_message)      \
	X(char *, origin)              \
	X(int64_t, archive_time)       \
	X(unsigned, damaged)           \
	X(char *, damage)              \
	X(char *, note)                \
	X(pd_reply_facts *, facts)     \
	X(uint64_t, content_hash)      \
	X(unsigned, lists)             \
	X(char *, raw)                 \
	X(size_t, raw_len)

#define PD__MEMBER_DECLARE(type, name) type name;
struct pd__message_mirror { PD__MESSAGE_MEMBERS(PD__MEMBER_DECLARE) };
#define PD__MEMBER_SAME_PLACE(type, name)                                           \
	_Static_assert(offsetof(struct pd__message_mirror, name) == offsetof(pd_message, name), \
		       "pd_message." #name " moved: update mail/message-fields.h");
PD__MESSAGE_MEMBERS(PD__MEMBER_SAME_PLACE)
_Static_assert(sizeof(struct pd__message_mirror) == sizeof(pd_message),
	       "pd_message changed: update PD__MESSAGE_MEMBERS and PD__MESSAGE_STRINGS");
_Static_assert(sizeof(pd_person) == 2 * sizeof(char *),
	       "pd_person changed: update PD__MESSAGE_STRINGS");

/* The strings among the members (a person holds two, the subject tags
 * one: the title) must be the strings listed. */
#define PD__MEMBER_STRINGS(type, name) \
	+ _Generic((type *)0, char **: 1, pd_person *: 2, pd_subject_info *: 1, default: 0)
#define PD__STRING_ONE(field, pack, reply) + 1
_Static_assert(0 PD__MESSAGE_MEMBERS(PD__MEMBER_STRINGS) == 0 PD__MESSAGE_STRINGS(PD__STRING_ONE),
	       "a string of pd_message is missing from PD__MESSAGE_STRINGS");

#endif
