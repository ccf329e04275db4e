/*
 * patchdigest.h - the one public header of libpatchdigest.
 *
 * The library reads mailing-list archives (public-inbox v1/v2 git
 * repositories, mbox files, Maildirs), parses each message the way `git am`
 * would attribute it, groups patches into series and builds a digest
 * report as data.  Renderers turn a report into the classic text or JSON.
 *
 * Conventions (after libgit2):
 *  - functions that can fail return int: 0 (PD_OK) or a negative pd_status;
 *  - output parameters come first; what comes back through `**out` belongs
 *    to the caller and is released with the matching NULL-safe *_free();
 *  - option structs start with a `version` the library checks (a struct
 *    from another version fails with PD_ERR_INVALID) and have an _INIT
 *    initializer naming only what is not zero;
 *  - pd_init() comes before everything else (it applies libgit2's
 *    process-wide settings, so it is never done behind the caller's back);
 *  - until 1.0 (SONAME libpatchdigest.so.0) the report's structs may
 *    change from one version to the next (a report's patches became
 *    pd_post records): build against the header of the library you run
 *    with;
 *  - the library never prints and never exits.  After a failure,
 *    pd_error_last() describes it (thread-local, valid until the next
 *    failing call on the same thread).
 *
 * Strings are UTF-8 and NUL-terminated unless a length is given.
 */
#ifndef PATCHDIGEST_H
#define PATCHDIGEST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the shared library exports: these functions and nothing else. */
#if defined(__GNUC__) && __GNUC__ >= 4
# define PD_EXTERN __attribute__((visibility("default")))
#else
# define PD_EXTERN
#endif

/* ---- the library ------------------------------------------------------- */

/* Sets the library up for this process.  Call it before any other
 * function, from one thread.  It initialises libgit2 and GMime and
 * applies libgit2's process-wide settings for reading whole archives
 * once: no object cache, and pack windows of 4 MB up to 32 MB mapped
 * (these hold for every libgit2 user in the process).  Returns how many
 * times it has been called without pd_shutdown(), or a negative status.
 * Archive functions fail with PD_ERR_INVALID until it has been called. */
PD_EXTERN int pd_init(void);

/* Undoes one pd_init(); the last one shuts libgit2 down.  Returns how many
 * pd_init() calls remain. */
PD_EXTERN int pd_shutdown(void);

/* ---- status ------------------------------------------------------------ */

typedef enum {
	PD_OK = 0,
	PD_ERR_NOMEM = -1,       /* out of memory */
	PD_ERR_INVALID = -2,     /* invalid argument (a caller's bug or bad option value) */
	PD_ERR_NOT_FOUND = -3,   /* the path does not exist */
	PD_ERR_NOT_ARCHIVE = -4, /* the path is not an archive kind we read */
	PD_ERR_RANGE = -5,       /* a range end does not resolve to a commit */
	PD_ERR_GIT = -6,         /* a git object is missing or corrupt */
	PD_ERR_IO = -7,          /* reading or writing failed */
	PD_ERR_MALFORMED = -8,   /* one message cannot be parsed */
	PD_ERR_STATE = -9,       /* the state database is unusable: not one of
	                            ours, damaged, read-only, or full */
	PD_ERR_BUSY = -10,       /* another run holds the state database */
	PD_ITEROVER = -31        /* iteration finished (not an error) */
} pd_status;

/* A short, stable description of a status ("range does not resolve"). */
PD_EXTERN const char *pd_status_to_string(int status);

/* Details of the last failure on this thread, or "" when there is none. */
PD_EXTERN const char *pd_error_last(void);

/* ---- people and messages ----------------------------------------------- */

typedef struct {
	char *name;    /* decoded display name; "" when none was given */
	char *address; /* as written; compare case-insensitively */
} pd_person;

typedef enum {
	PD_KIND_REPLY = 0, /* anything that is not a patch or cover letter */
	PD_KIND_PATCH,     /* PATCH-tagged, not a reply, carries a diff */
	PD_KIND_COVER      /* PATCH-tagged, not a reply, numbered 0/N */
} pd_kind;

PD_EXTERN const char *pd_kind_to_string(pd_kind kind);

/* What the leading tags of a subject say. */
typedef struct {
	int is_reply;          /* leading Re:/Aw:/Fwd:/Sv: */
	int is_patch_tagged;   /* a patch tag in a leading bracket group: a
	                          PATCH or RFC-PATCH token, an RFC token, or an
	                          n/N counter (n <= N) -- never with PULL */
	int has_counter;       /* an n/N or "n of N" counter was present */
	int number;            /* n of n/N; 1 for an uncounted patch */
	int total;             /* N of n/N; 1 for an uncounted patch */
	int version_explicit;  /* a vN tag was present */
	char version[16];      /* "1", "2", "2.1": without the v */
	int is_rfc;
	int is_resend;
	int is_pull;           /* a PULL tag ([GIT PULL], [PULL n/m]): a pull
	                          request's message, never a patch posting */
	char *title;           /* subject without leading tags and reply prefixes */
} pd_subject_info;

/* Parses `subject` (decoded, unfolded).  *out is filled; release its
 * title with pd_subject_info_clear().  Never fails except on NOMEM. */
PD_EXTERN int pd_subject_parse(pd_subject_info *out, const char *subject);
PD_EXTERN void pd_subject_info_clear(pd_subject_info *info);

/* A trailer a reply gives ("Reviewed-by: Name <address>"), by b4's rules. */
typedef struct {
	char *tag;            /* as written: "Reviewed-by" */
	pd_person person;     /* whom it names */
	int matches_sender;   /* the reply's sender speaks for it (b4's rule:
	                         the address, else the name); a trailer that
	                         does not is reported, never counted */
} pd_trailer;

/* What a reply says about what it answers: its trailers, and whether it
 * says it was applied (docs/format.md says which phrasings count). */
typedef struct {
	pd_trailer *trailers; size_t n_trailers;
	int applied;
	char *applied_tree;       /* "next", "kvm-x86 mmu", or NULL */
	char **applied_commits;   /* commit ids named, NULL-terminated; or NULL */
	int *applied_numbers;     /* the patches named (b4's thank-you, "Queued
	                             3+5"); none: all of what it answers */
	size_t n_applied_numbers;
	const char *title;        /* in a report's reply record (pd_reply)
	                             saying applied of a patch, or pulled of a
	                             pull request: its subject without tags,
	                             by which it is listed when nothing here
	                             holds what it answers.  Else NULL (and
	                             always in a parsed message's facts) */
} pd_reply_facts;

PD_EXTERN void pd_reply_facts_free(pd_reply_facts *facts);

typedef struct pd_message {
	char *message_id;   /* without angle brackets; NULL when absent */
	char **references;  /* In-Reply-To first, then References newest first,
	                       unique, without brackets; NULL-terminated */
	char *subject;      /* decoded, unfolded full subject */
	pd_subject_info tags;
	pd_person sender;   /* From: header */
	pd_person author;   /* who `git am` records: in-body From:, else sender */
	int64_t date;       /* seconds since the epoch, UTC; 0 when unknown */
	int date_tz;        /* offset of the Date: header in minutes */
	char *date_raw;     /* the Date: header as written (an in-body Date:
	                       line does not change it); NULL when absent */
	char *list_id;      /* List-Id without brackets; NULL when absent */
	char *to_address;   /* first To: address of a patch or cover, for
	                       guessing the list; NULL for replies */
	pd_kind kind;
	int has_diff;
	char *commit_message; /* UTF-8, see pd_message_parse(); NULL if not kept.
	                         A report keeps it in its temporary file:
	                         pd_report_commit_message() */
	char *origin;       /* where it came from: commit id or "FILE:offset" */
	int64_t archive_time; /* commit time for git archives, else date */
	unsigned damaged;   /* non-zero: the MIME parser recovered from damage */
	char *damage;       /* what was damaged, when damaged (reported when
	                       the message is added to a digest) */
	char *note;         /* something odd that lost nothing (a header the
	                       digest reads given twice, saying the same), or
	                       NULL: reported as PD_DIAG_NOTE, never damage */
	pd_reply_facts *facts; /* a reply's trailers and "applied", or NULL
	                       (read only for a reply whose subject has a
	                       bracketed tag: replies to patches keep it) */
	uint64_t content_hash; /* with pd_parse_options.content_hash: the
	                       first 8 bytes of public-inbox's content hash
	                       (SHA-256, big-endian); else 0 */
	unsigned lists;     /* set by a digest of several archives (pd_post.lists) */
	char *raw;          /* with pd_parse_options.keep_raw, a patch's or
	                       cover letter's bytes as given to the parser,
	                       without a leading mbox "From " line
	                       (NUL-terminated after raw_len of them); else
	                       NULL.  A report keeps them in its temporary
	                       file: pd_report_raw_message() */
	size_t raw_len;
} pd_message;

typedef struct {
	unsigned int version;
	int keep_all_bodies;  /* keep commit_message of every patch, not only
	                         of covers and first patches */
	int git_compat_body;  /* keep CRs and the raw bytes as git mailinfo does */
	int full_mime;        /* read every message with GMime's full parser,
	                         not only those the header scanner declines
	                         (the tests' oracle; same results, slower) */
	int content_hash;     /* compute pd_message.content_hash (a digest of
	                         several archives sets it itself) */
	int keep_raw;         /* keep the bytes of patches and cover letters
	                         in pd_message.raw (a report keeps them in
	                         its temporary file for PD_FORMAT_MBOX) */
} pd_parse_options;
#define PD_PARSE_OPTIONS_VERSION 3
#define PD_PARSE_OPTIONS_INIT { .version = PD_PARSE_OPTIONS_VERSION }

/* Parses one RFC 5322 message of `len` bytes (not NUL-terminated, may hold
 * NULs).  `origin` names it in diagnostics (copied; may be NULL).
 * On success *out is a new message, freed with pd_message_free().
 * Fails with PD_ERR_MALFORMED when the bytes are not a message at all
 * (no header); damage the MIME parser recovers from is noted in
 * (*out)->damaged instead. */
PD_EXTERN int pd_message_parse(pd_message **out, const char *data, size_t len,
		     const char *origin, const pd_parse_options *opts);
PD_EXTERN void pd_message_free(pd_message *msg);

/* ---- who people are: mailmap and employers ------------------------------ */

/* A mailmap in git's format (gitmailmap(5): all four line forms, emails
 * matched ignoring case), parsed by libgit2. */
typedef struct pd_mailmap pd_mailmap;

/* Reads the mailmap file `path`: *out a new mailmap, freed with
 * pd_mailmap_free().  PD_ERR_NOT_FOUND when it cannot be read. */
PD_EXTERN int pd_mailmap_load(pd_mailmap **out, const char *path);
PD_EXTERN int pd_mailmap_from_buffer(pd_mailmap **out, const char *buf, size_t len);
PD_EXTERN void pd_mailmap_free(pd_mailmap *mailmap);

/* The identity `person` maps to: *out's strings are new (free them with
 * g_free()); the name or address as given when the map says nothing of
 * it.  `mailmap` may be NULL (a copy). */
PD_EXTERN int pd_mailmap_resolve(pd_person *out, const pd_mailmap *mailmap,
				 const pd_person *person);

/* gitdm's EmailMap: "address-or-domain Employer Name [< YYYY-MM-DD]" per
 * line ('#' starts a comment); an entry with a date holds for mail
 * dated before it. */
typedef struct pd_employers pd_employers;

/* Reads the map `path`; PD_ERR_MALFORMED names the file and line of a
 * bad entry. */
PD_EXTERN int pd_employers_load(pd_employers **out, const char *path);
/* The same from memory; `origin` names it in errors (NULL: "employers"). */
PD_EXTERN int pd_employers_from_buffer(pd_employers **out, const char *buf, size_t len,
				       const char *origin);
PD_EXTERN void pd_employers_free(pd_employers *employers);

/* The employer of mail from the address `posted` (`mapped`: its address
 * after the mailmap, or NULL) dated `date`: an entry for the posted
 * address, else for the mapped one, else the longest domain suffix of the
 * posted address with an entry, then of the mapped one, else the posted
 * address's domain.  *out a new string (g_free()). */
PD_EXTERN int pd_employers_lookup(char **out, const pd_employers *employers,
				  const char *posted, const char *mapped, int64_t date);

/* ---- archives ----------------------------------------------------------- */

typedef enum {
	PD_ARCHIVE_V2 = 1,   /* public-inbox v2 inbox: git/N.git epochs */
	PD_ARCHIVE_GIT,      /* one epoch repository or a v1 inbox */
	PD_ARCHIVE_MBOX,
	PD_ARCHIVE_MAILDIR,
	PD_ARCHIVE_GROUP     /* never opened: what a state records for a digest
	                        of several archives (pd_digest_read_inputs()) */
} pd_archive_kind;

PD_EXTERN const char *pd_archive_kind_to_string(pd_archive_kind kind);

typedef struct pd_archive pd_archive;

/* Opens the archive at `path`, detecting its kind.  Fails with
 * PD_ERR_NOT_FOUND or PD_ERR_NOT_ARCHIVE (the error names the kinds it
 * accepts). */
PD_EXTERN int pd_archive_open(pd_archive **out, const char *path);
PD_EXTERN void pd_archive_free(pd_archive *archive);
PD_EXTERN pd_archive_kind pd_archive_get_kind(const pd_archive *archive);

/* When the newest message of a git archive (v2 inbox: its newest epoch)
 * was delivered: its HEAD commit's time.  PD_ERR_INVALID for an mbox or
 * Maildir, PD_ERR_GIT when HEAD cannot be read. */
PD_EXTERN int pd_archive_newest_time(int64_t *out, const pd_archive *archive);

/* Where reading an archive stopped: per git epoch, the last commit read.
 * An epoch that is not listed has not been read at all. */
typedef struct {
	unsigned int epoch;              /* N of git/N.git; 0 for one repository */
	char commit[41];                 /* full hex id */
	int64_t commit_time;             /* its commit time; 0 when unknown
	                                    (a state from before it was
	                                    kept): after the epoch's history
	                                    is rewritten, reading goes on from
	                                    the last commit older than it */
} pd_epoch_position;

typedef struct {
	pd_epoch_position *epochs;       /* sorted by epoch */
	size_t n_epochs;
} pd_position;

PD_EXTERN void pd_position_free(pd_position *position);

typedef struct {
	unsigned int version;
	const char *range;  /* "FROM..TO", either side optional; NULL: all */
	int64_t since;      /* keep messages at or after this time; 0: no bound */
	int64_t until;      /* keep messages before this time; 0: no bound.
	                       The iterator applies both to git archives (commit
	                       time); for mbox and Maildir only the Date: header
	                       says, so pd_digest_read() applies them there,
	                       once the message is parsed anyway.  A git
	                       archive stops at the first commit at or after
	                       `until`, so the position it reached is exact.
	                       The one place a digest's dates are bounded. */
	const pd_position *start; /* git archives: read each epoch after the
	                             commit given here, and every epoch not
	                             listed from its first commit, up to the
	                             newest.  Excludes `range`. */
	int64_t lookback;   /* pd_digest_read(): also read this many seconds
	                       before the range (before `since`, or before the
	                       start position's commits), only to know what a
	                       reply in the range answers: those messages are
	                       never counted, listed or shown.  0: none */
} pd_range_options;
#define PD_RANGE_OPTIONS_VERSION 2
#define PD_RANGE_OPTIONS_INIT { .version = PD_RANGE_OPTIONS_VERSION }

/* One message's bytes as stored, borrowed from the iterator until the next
 * call to pd_archive_iter_next(). */
typedef struct {
	const char *data;
	size_t len;
	const char *origin;    /* commit id, or "FILE:offset", or a path */
	int64_t archive_time;  /* commit time; 0 for mbox/Maildir */
} pd_raw_message;

typedef struct pd_archive_iter pd_archive_iter;

/* Starts reading the messages of `range`, oldest first.  Fails with
 * PD_ERR_RANGE when an end does not resolve (the error says which).
 * The iterator borrows `archive`, which must outlive it. */
PD_EXTERN int pd_archive_iter_new(pd_archive_iter **out, pd_archive *archive,
			const pd_range_options *range);

/* Reads the next message into *out.  Returns PD_OK, PD_ITEROVER at the
 * end, or a negative status for this one entry (PD_ERR_GIT for an
 * unreadable object, PD_ERR_MALFORMED for a truncated mbox entry): the
 * caller may report it and call again to continue with the next one. */
PD_EXTERN int pd_archive_iter_next(pd_raw_message *out, pd_archive_iter *iter);

/* The range's ends as git would abbreviate them, once known (after the
 * iteration started); NULL for mbox and Maildir. Borrowed. */
PD_EXTERN const char *pd_archive_iter_from_label(const pd_archive_iter *iter);
PD_EXTERN const char *pd_archive_iter_to_label(const pd_archive_iter *iter);

/* Where the iteration got to, for the next digest to start from: each
 * epoch read to its end, the last commit read in an epoch that stopped
 * early (an --until bound, a broken history), the start of an epoch not
 * reached, and, for a range starting in a later epoch, the newest commit
 * of each epoch before it.  *out is NULL for mbox and Maildir. */
PD_EXTERN int pd_archive_iter_position(pd_position **out, const pd_archive_iter *iter);
PD_EXTERN void pd_archive_iter_free(pd_archive_iter *iter);

/* ---- digests ------------------------------------------------------------ */

typedef enum {
	PD_SERIES_NEW = 0,       /* shown in full */
	PD_SERIES_REPORTED,      /* already reported: Exist/Skip */
	PD_SERIES_HIDDEN,        /* neither cover nor first patch in range */
	PD_SERIES_CONTINUED      /* more messages of a series an earlier digest
	                            reported: listed, and its cover or first
	                            patch shown when they arrive only now */
} pd_series_status;

/* A series recorded in the state database by an earlier digest. */
typedef struct {
	int64_t id;              /* the state's number for the series */
	int64_t digest_id;       /* the digest that reported it */
	int64_t digest_made;     /* when that digest was recorded */
	int64_t digest_end;      /* the date of its newest message */
	char *digest_range;      /* "FROM..TO" as its header named it */
	char *author;            /* lowercased address */
	char version[16];
	char *title;
	char *cover_title, *first_title; /* NULL when it had none */
	int expected;
	int has_cover;
	int *numbers;            /* patch numbers received, n_numbers of them */
	size_t n_numbers;
	int64_t last_date;
	/* the review side, as the digests that saw its replies recorded it
	 * (a state file of an older schema knows none: NULL and 0s) */
	char *author_name;       /* NULL when not recorded */
	int64_t first_date;      /* its first message's date (else last_date) */
	int64_t last_review;     /* the last reviewer reply's date; 0: none */
	int review_status;       /* a pd_review_status */
	int superseded;          /* a newer version was reported */
} pd_earlier;

PD_EXTERN void pd_earlier_free(pd_earlier *earlier);

PD_EXTERN const char *pd_series_status_to_string(pd_series_status status);

/* What happened to a series by the end of the range (docs/format.md). */
typedef enum {
	PD_REVIEW_WAITING = 0,   /* no reviewer replied */
	PD_REVIEW_DISCUSSED,     /* a reviewer replied */
	PD_REVIEW_REVIEWED,      /* every patch has a Reviewed-by or Acked-by,
	                            directly or through the cover letter */
	PD_REVIEW_PARTLY_APPLIED,/* some of its patches were applied */
	PD_REVIEW_APPLIED        /* every patch was applied */
} pd_review_status;

PD_EXTERN const char *pd_review_status_to_string(pd_review_status status);

/* A reply as a report keeps it: every message the digest read that is
 * neither a patch, a cover letter nor a pull request, kept as what the
 * review side reads of it and no more (an archive holds millions; each
 * costs this record, its References and its facts).  Strings are the
 * report's, shared between messages: valid until pd_report_free(). */
typedef struct pd_reply {
	const char *message_id;        /* without brackets; NULL when absent */
	const char *const *references; /* In-Reply-To first, then References
	                                  newest first; NULL-terminated */
	pd_person sender;              /* From: */
	int64_t date;                  /* Date:, as pd_message.date */
	int64_t archive_time;          /* as pd_message.archive_time */
	const pd_reply_facts *facts;   /* its trailers and "applied" (and the
	                                  title it is listed by: facts->title),
	                                  or NULL */
	uint64_t content_hash;         /* as pd_message.content_hash */
	unsigned lists;                /* as pd_post.lists */
	unsigned damaged;              /* as pd_message.damaged */
} pd_reply;

/* The tags of a kept posting's subject: pd_subject_info's facts, its
 * flags as bits and its version shared. */
typedef struct {
	const char *title;        /* as pd_subject_info.title, kept in memory
	                             only by a cover letter, a patch numbered
	                             1 (or not at all) and a pull request: what
	                             a series is named by.  NULL for other
	                             patches: pd_report_post_text() gives the
	                             title of any posting */
	const char *version;      /* "1", "2", "2.1": without the v */
	int number;               /* as pd_subject_info.number */
	int total;                /* as pd_subject_info.total */
	unsigned is_reply : 1;    /* the flags of pd_subject_info */
	unsigned is_patch_tagged : 1;
	unsigned has_counter : 1;
	unsigned version_explicit : 1;
	unsigned is_rfc : 1;
	unsigned is_resend : 1;
	unsigned is_pull : 1;
} pd_post_tags;

/* A posting as a report keeps it: a patch, a cover letter or a pull
 * request (PD_KIND_REPLY, with a PULL tag), kept as what is written of
 * it and no more (a year of a big list holds hundreds of thousands: a
 * parsed pd_message would cost half as much again, before any text).
 * Its subject, title, origin and To: address, its commit message and
 * its bytes are in the report's temporary file (in memory when none could be
 * written): read them with pd_report_post_text(),
 * pd_report_commit_message() and pd_report_raw_message().  A pull
 * request keeps no author, origin or To: (NULL), as replies do not.
 * Strings are the report's, shared between messages where they repeat:
 * valid until pd_report_free(), never to be changed. */
typedef struct pd_post {
	const char *message_id;        /* as pd_message.message_id */
	const char *const *references; /* as pd_message.references */
	pd_post_tags tags;
	pd_person sender;              /* From: */
	pd_person author;              /* who `git am` records */
	uint64_t text;                 /* where the report keeps its subject,
	                                  title and origin: the library's, for
	                                  pd_report_post_text(); 0: none */
	int64_t date;                  /* as pd_message.date */
	int64_t archive_time;          /* as pd_message.archive_time */
	uint64_t content_hash;         /* as pd_message.content_hash */
	unsigned lists;                /* a digest of several archives: bit i
	                                  is set when pd_report.lists[i] holds
	                                  it (a cross-post sets several); else 0 */
	pd_kind kind;
	unsigned has_diff : 1;         /* as pd_message.has_diff */
	unsigned damaged : 1;          /* the MIME parser recovered from damage */
} pd_post;

/* A trailer a reply gave, counted for one message of a series. */
typedef struct {
	const pd_post *on;       /* the patch or cover letter it is for (of a
	                            series only the state knows: a stand-in
	                            with its Message-ID, kind and number,
	                            its strings empty, no References) */
	const pd_reply *reply;      /* the reply that gave it */
	const pd_trailer *trailer;  /* in reply->facts */
} pd_series_trailer;

typedef struct {
	/* The messages are the report's (pd_report.messages): valid until
	 * pd_report_free(). */
	const pd_post *cover; /* NULL if none */
	const pd_post **patches; /* in patch-number order, then posting order */
	size_t n_patches;
	const pd_post *first_patch; /* patch 1 (or the lone patch); NULL if absent */
	const pd_person *author; /* the cover's author, else the first patch's */
	const pd_person *sender;
	const char *title;       /* the cover's title, else the first patch's */
	char version[16];
	int expected;            /* N of n/N (1 for a lone patch) */
	int received;            /* distinct patch numbers received, 1..N */
	int complete;            /* received >= expected */
	pd_series_status status;
	long reported_as;        /* for PD_SERIES_REPORTED: the index of the
	                            earlier series in this report, or -1 when
	                            it was reported in an earlier digest */
	const pd_earlier *earlier; /* REPORTED by an earlier digest: that
	                            series (borrowed from the report); or NULL */
	const pd_earlier *continues; /* the earlier digest's series these
	                            messages belong to (CONTINUED, or REPORTED
	                            when its first patch, arriving now, shows
	                            it repeats an older series); or NULL */
	long previous_as;        /* another version of this series earlier in
	                            this report (its index), or -1 */
	const pd_earlier *previous; /* else another version reported by an
	                            earlier digest, the newest; else NULL */
	int64_t first_date, last_date;
	/* the review side: replies in the range that answer the series (a
	 * reply answers the first patch or cover letter met walking up its
	 * In-Reply-To chain through other replies) */
	size_t n_replies;
	size_t n_reviewers;       /* distinct reviewers among their senders */
	int64_t first_review;     /* the first reviewer reply's date; 0: none */
	pd_series_trailer *trailers; size_t n_trailers; /* counted trailers */
	const pd_reply **applied; size_t n_applied; /* replies saying applied */
	const pd_post **applied_on; /* what each of them answers (the cover
	                             letter, or a patch: then that patch is
	                             what was applied, unless it names more;
	                             a stand-in as pd_series_trailer.on's) */
	int64_t last_review;      /* the last reviewer reply's date; 0: none */
	pd_review_status review_status;
	int needs_attention;      /* complete, not applied, no newer version,
	                             no reviewer reply for stale_days (counted
	                             from the last one, else from posting, to
	                             the range's newest message) */
} pd_series;

/* A pull request: a non-reply [GIT PULL] or [PULL] message (its
 * numbered [GIT PULL n/m] messages belong to it and are never postings). */
typedef struct {
	const pd_post *message; /* the request: the report's, keeping its
	                             subject and title; valid until
	                             pd_report_free() */
	size_t n_parts;           /* its numbered messages in the range */
	size_t n_replies;         /* replies in the range that answer it */
	const pd_reply *merged;   /* the first reply in the range saying it was
	                             merged or pulled (its facts name the tree
	                             and commit), from someone other than its
	                             sender; NULL: not merged in the range */
	int in_range;             /* 1: posted in the range; 0: in the
	                             look-back window, listed because it was
	                             merged in the range */
} pd_pull;

typedef struct {
	unsigned count;
	char *key;      /* domain, employer, or the lowercased address (after
	                   the mailmap, when one is given) */
	char *display;  /* domain, employer, or `Name <address>` quoted as
	                   RFC 5322 needs */
	char *employer; /* a person's row with an employer map: the employer
	                   of their first message counted; else NULL */
} pd_tally;

typedef struct {
	char *name;           /* list name for the title line ("KVM"); NULL
	                         when neither the options, List-Id nor To:
	                         give one */
	char *lore_list;      /* lore.kernel.org list name, NULL when unknown */
	char *from_label;     /* range ends: abbreviated commit ids or dates */
	char *to_label;
	pd_tally *domains;    size_t n_domains;   /* all rows, sorted */
	pd_tally *contributors; size_t n_contributors;
	pd_series *series;    size_t n_series;    /* in posting order */
	const pd_post **messages; size_t n_messages; /* the patches, cover
	                      letters and pull requests (pull requests are
	                      PD_KIND_REPLY), unique, in archive order, as
	                      records.  Owned by the report and valid until
	                      pd_report_free() (each is one block with strings
	                      shared between messages): never free or change
	                      them */
	size_t n_reply_records; /* every other message read, unique, in
	                      archive order, as records: read them with
	                      pd_report_reply() (they wait in temporary
	                      files, not in memory) */
	size_t n_patches, n_covers, n_duplicates, n_skipped;
	size_t n_replies;     /* messages of kind PD_KIND_REPLY: the records
	                         and the pull requests' messages */
	int64_t first_message_date, last_message_date; /* the dates of the
	                         range's first and last message in archive
	                         order (0: none) */
	size_t n_damaged;     /* read, but the MIME parser recovered from damage */
	pd_earlier **earlier; size_t n_earlier;   /* what the series refer to */
	/* series posted in the look-back window before the range
	 * (pd_range_options.lookback): never listed, counted or shown; their
	 * review fields say what replies in the range did to them */
	pd_series *lookback_series; size_t n_lookback_series;
	/* reviewers: senders of replies to others' series (bots excluded),
	 * counted by series replied to; key the lowercased address */
	pd_tally *reviewers; size_t n_reviewers;
	pd_tally *reviewer_domains; size_t n_reviewer_domains;
	/* with pd_digest_options.employers: patches and covers by their
	 * author's employer, and reviewers by theirs; else NULL and 0 */
	pd_tally *employers; size_t n_employers;
	pd_tally *reviewer_employers; size_t n_reviewer_employers;
	int64_t last_date;        /* the newest message's date: the end the
	                             review side counts days to */
	int64_t median_first_review; /* seconds from a series' first message
	                             to its first reviewer reply, the median
	                             over the series that had one; -1: none */
	pd_pull *pulls; size_t n_pulls; /* the range's pull requests, then
	                             earlier ones merged in the range */
	/* replies in the range saying "applied" of a patch that is in no
	 * series known here (posted before the look-back window and never
	 * reported): listed by their own subject's title, which they
	 * keep (facts->title) */
	const pd_reply **applied_elsewhere; size_t n_applied_elsewhere;
	/* series reported by earlier digests (the state database), neither
	 * in the range nor in the look-back window, that replies in the range
	 * answer or that need attention: their review fields as for the
	 * range's series; no messages (cover NULL, no patches), title and
	 * author from the state */
	pd_series *earlier_series; size_t n_earlier_series;
	/* a digest of several archives (pd_digest_read_inputs()): the lists'
	 * names in the order given (pd_post.lists indexes them), and how
	 * many copies of a message already read from another list were
	 * counted once (the same Message-ID and content).  One archive: NULL,
	 * 0 and 0 */
	char **lists; size_t n_lists;
	char **lore_lists;    /* each list's name on lore (NULL when unknown),
	                         n_lists of them: a message links to its first
	                         list's */
	size_t n_crossposted;
} pd_report;

typedef enum {
	PD_DIAG_WARNING = 1, /* the message was used, something in it was damaged */
	PD_DIAG_SKIPPED,     /* the message could not be read and was skipped */
	PD_DIAG_NOTE,        /* the message was read whole; something in it is
	                        odd but lost nothing (shown with -v) */
	PD_DIAG_RANGE        /* about the range, not a message: `origin` is the
	                        range, `what` why it reads as it does (FROM
	                        after TO: nothing, as git reads it) */
} pd_diag_level;

typedef void (*pd_diag_cb)(pd_diag_level level, const char *origin,
			   const char *what, void *payload);

/* Called every `progress_every` messages read, and once at the end. */
typedef void (*pd_progress_cb)(size_t messages_read, int done, void *payload);

typedef struct {
	unsigned int version;
	const char *name;       /* list name; NULL: from List-Id or To: */
	const char *lore_list;  /* NULL: from List-Id or To: */
	pd_diag_cb diag;        /* NULL: diagnostics are only counted */
	void *diag_payload;
	pd_progress_cb progress;  /* NULL: none */
	void *progress_payload;
	size_t progress_every;    /* 0: every 1000 messages */
	unsigned stale_days;      /* a series waits this long for a reviewer
	                             before it needs attention; 0: 14 */
	const char *const *bots;  /* more bots than the built-in ones
	                             (docs/format.md), NULL-terminated: an
	                             address, or a prefix ending in '*'
	                             ("ci-bot*"); case is ignored.  Borrowed:
	                             must outlive pd_digest_finish() */
	unsigned threads;         /* pd_digest_read(): threads parsing while
	                             the caller's reads; 0: one per core, at
	                             most 8 */
	pd_parse_options parse;   /* how pd_digest_add_raw() and
	                             pd_digest_read() parse each message (its
	                             keep_all_bodies keeps every patch's commit
	                             message, not only covers' and first
	                             patches'); its version is checked too */
	const pd_mailmap *mailmap;  /* contributors and reviewers are counted
	                             and shown by the identity it maps them
	                             to (the domain tables keep the address
	                             as posted); NULL: none.  Borrowed: must
	                             outlive pd_digest_finish() */
	const pd_employers *employers; /* adds the employer tables; NULL:
	                             none.  Borrowed, as mailmap */
} pd_digest_options;
#define PD_DIGEST_OPTIONS_VERSION 4
#define PD_DIGEST_OPTIONS_INIT { .version = PD_DIGEST_OPTIONS_VERSION, \
				 .parse = PD_PARSE_OPTIONS_INIT }

typedef struct pd_digest pd_digest;

/* A new, empty digest (opts may be NULL: the defaults).  PD_ERR_INVALID
 * when opts->version or opts->parse.version is not this header's.  A
 * digest keeps every message it is given: bounding dates is the range's
 * business (pd_range_options, applied by pd_digest_read()). */
PD_EXTERN int pd_digest_new(pd_digest **out, const pd_digest_options *opts);
PD_EXTERN void pd_digest_free(pd_digest *digest);

/* Parses `raw` (with opts->parse) and adds it as pd_digest_add_message()
 * does; raw->archive_time, when not 0, becomes the message's.  A message
 * that cannot be parsed is reported through the diag callback, counted,
 * and PD_OK is returned: one bad message never aborts a digest. */
PD_EXTERN int pd_digest_add_raw(pd_digest *digest, const pd_raw_message *raw);

/* Adds a parsed message, taking `msg` (freed at once or kept): what
 * pd_digest_add_raw() does after parsing.  Damage the parser noted is
 * reported through the diag callback (naming msg->origin) and counted; a
 * Message-ID seen before counts as a duplicate; of a reply only what the
 * digest reads is kept. */
PD_EXTERN int pd_digest_add_message(pd_digest *digest, pd_message *msg);

/* Reports a message the caller could not read (for the skip count). */
PD_EXTERN void pd_digest_note_skipped(pd_digest *digest, const char *origin,
			    const char *what);

typedef struct pd_state pd_state;

/* Groups the messages into series and builds the report.  `from_label`
 * and `to_label` are the range's ends (NULL: the first and last message
 * dates).  `state` (may be NULL) with `archive_key` supplies the series
 * earlier digests reported: later parts of them join them, repeats become
 * Exist/Skip, new versions name the version reported before.  The digest
 * is consumed: it is freed whether or not this succeeds.  Once the
 * reading is over it gives the memory malloc holds free back to the
 * system (glibc's malloc_trim(), for the whole process).  Fails with
 * PD_ERR_STATE when the state database cannot be read. */
PD_EXTERN int pd_digest_finish(pd_report **out, pd_digest *digest,
		     const char *from_label, const char *to_label,
		     pd_state *state, const char *archive_key);
PD_EXTERN void pd_report_free(pd_report *report);

/* The commit message of `m`, one of the report's messages, as a new
 * string (pd_free()); *out NULL when none was kept (see
 * pd_parse_options.keep_all_bodies).  A report keeps these texts in a
 * temporary file (in memory when no file can be written), so that a
 * digest of a whole archive stays small in memory: read them through
 * this.  PD_ERR_IO when
 * the file cannot be read back. */
PD_EXTERN int pd_report_commit_message(char **out, const pd_report *report, const pd_post *m);

/* What a report keeps of a posting out of memory, read back by
 * pd_report_post_text(): one block, pd_post_text_free() frees it. */
typedef struct {
	const char *subject;  /* decoded, unfolded full subject ("" when none) */
	const char *title;    /* as pd_subject_info.title ("" when none) */
	const char *origin;   /* as pd_message.origin; NULL when none */
	const char *to_address; /* as pd_message.to_address; NULL when none */
} pd_post_text;

/* The subject, title, origin and To: address of `m`, one of the
 * report's messages (or a stand-in: subject and title "", the others
 * NULL), in a new pd_post_text.  At a million messages these texts are some 40 MB that
 * only output reads: a report keeps them in its temporary file (in
 * memory when no file can be written).  PD_ERR_IO when the file cannot
 * be read back. */
PD_EXTERN int pd_report_post_text(pd_post_text **out, const pd_report *report, const pd_post *m);
PD_EXTERN void pd_post_text_free(pd_post_text *text);

/* Reply `i` (below report->n_reply_records) of the report, in archive
 * order, as a new copy into *out (pd_reply_free()): its Message-ID and
 * References are the copy's; its sender's strings and its facts are the
 * report's, valid until pd_report_free().  A report keeps its replies
 * in temporary files (in memory when no file can be written), all but
 * those it points to (a series' trailers, what was applied): at six
 * million replies their records and Message-IDs were over 600 MB.
 * PD_ERR_IO when a file cannot be read back; PD_ERR_INVALID when there
 * is no reply i. */
PD_EXTERN int pd_report_reply(pd_reply **out, const pd_report *report, size_t i);
PD_EXTERN void pd_reply_free(pd_reply *reply);

/* Reads every message of `range` in `archive` into a report: the whole
 * pipeline in one call.  Per-message failures go to opts->diag.  With
 * `position` non-NULL, *position receives where the reading got to
 * (pd_archive_iter_position()).  `state` and `archive_key` as for
 * pd_digest_finish(). */
PD_EXTERN int pd_digest_read(pd_report **out, pd_position **position,
		   pd_archive *archive, const pd_range_options *range,
		   const pd_digest_options *opts, pd_state *state,
		   const char *archive_key);

/* One archive of a digest of several (pd_digest_read_inputs()). */
typedef struct {
	pd_archive *archive;       /* borrowed */
	const char *name;          /* the list's name, in the title and in
	                              pd_report.lists; NULL: from its List-Id,
	                              else the archive's file name */
	const char *lore_list;     /* its name on lore.kernel.org, for its
	                              messages' links; NULL: from its List-Id */
	const pd_position *start;  /* read after this position (what
	                              pd_range_options.start is for one
	                              archive); NULL: from the range */
	int64_t since;             /* messages at or after this (an archive
	                              new to a group starts at its own time);
	                              0: the range's since */
} pd_digest_input;

/* Reads the `range` (its since/until/lookback; `range->start` and
 * `range->range` apply to one archive only) of each of the `n_inputs`
 * archives (at most 32), each with its own reader, into one report: the
 * messages in order of arrival (archive time) across the lists; a message
 * cross-posted to several lists (the same Message-ID and public-inbox's
 * content hash) counts once with every list it came from in its `lists`;
 * the same Message-ID with other content counts as another message.
 * `*positions` (may be NULL) receives a new array of n_inputs positions,
 * one per archive (NULL entries for mbox and Maildir): free each with
 * pd_position_free() and the array with pd_free().  The report is named
 * after its lists unless opts->name is given.  `state` and `state_key`
 * as for pd_digest_finish() (the key of the group, not of one archive).
 * With one input this is pd_digest_read(). */
PD_EXTERN int pd_digest_read_inputs(pd_report **out, pd_position ***positions,
				    const pd_digest_input *inputs, size_t n_inputs,
				    const pd_range_options *range,
				    const pd_digest_options *opts, pd_state *state,
				    const char *state_key);

/* pd_digest_read() on the archive at `path`, without state. */
PD_EXTERN int pd_digest_archive(pd_report **out, const char *path,
		      const pd_range_options *range,
		      const pd_digest_options *opts);

/* ---- state: memory across digests --------------------------------------- */

typedef struct {
	unsigned int version;
	int read_only;        /* never write; a missing file reads as empty */
	int wait_ms;          /* how long to wait for another run's lock;
	                         0: fail at once with PD_ERR_BUSY */
} pd_state_options;
#define PD_STATE_OPTIONS_VERSION 1
#define PD_STATE_OPTIONS_INIT { .version = PD_STATE_OPTIONS_VERSION, .wait_ms = 30000 }

/* The default state file: $XDG_STATE_HOME/patchdigest/state.sqlite3
 * (~/.local/state/... when unset).  New string (pd_free()). */
PD_EXTERN char *pd_state_default_path(void);

/* Opens (creating it and its directory unless read_only) the state
 * database at `path`.  Fails with PD_ERR_STATE, naming the file, when it
 * is not a patchdigest state database, is damaged, is from a newer
 * version, or cannot be created.  Nothing is written until
 * pd_state_begin(). */
PD_EXTERN int pd_state_open(pd_state **out, const char *path, const pd_state_options *opts);

/* Rolls back a transaction still open. NULL-safe. */
PD_EXTERN void pd_state_free(pd_state *state);

/* The key an archive is known by: its absolute, resolved path.  New
 * string; a path that no longer exists is made absolute as given. */
PD_EXTERN char *pd_state_archive_key(const char *path);

/* The key a digest of several archives is recorded under: their keys
 * (pd_state_archive_key()), sorted, joined by " + ".  New string. */
PD_EXTERN char *pd_state_group_key(const char *const *archive_keys, size_t n);

/* The key one archive's position in such a group is recorded under (a
 * group continues each of its archives where it left it, apart from what
 * digests of the archive alone recorded): the group's key, a newline,
 * the archive's.  pd_state_list() does not list these; forgetting the
 * group forgets them.  New string. */
PD_EXTERN char *pd_state_member_key(const char *group_key, const char *archive_key);

/* Starts the transaction of a recording run: takes the database's write
 * lock (waiting up to wait_ms for another run to finish: PD_ERR_BUSY when
 * it does not) so that two runs never report the same series.  Everything
 * read and written until pd_state_commit() sees one consistent state. */
PD_EXTERN int pd_state_begin(pd_state *state);

/* Ends the transaction: writes it durably, or on failure (disk full) rolls
 * it back so the state is as it was before pd_state_begin(). */
PD_EXTERN int pd_state_commit(pd_state *state);
PD_EXTERN void pd_state_rollback(pd_state *state);

/* The position the last recorded digest of `archive_key` reached; *out is
 * NULL when none was recorded. */
PD_EXTERN int pd_state_position(pd_position **out, pd_state *state, const char *archive_key);

/* Records the digest `report` of the archive: the digest, its new series
 * and the messages of every series (so later parts join them), and, when
 * `position` is non-NULL, the position it reached (epochs it does not
 * list keep theirs).  Must be inside pd_state_begin()/pd_state_commit(). */
PD_EXTERN int pd_state_record(pd_state *state, const char *archive_key,
		    pd_archive_kind kind, const pd_report *report,
		    const pd_position *position);

/* Only the position, when a run read nothing to report. */
PD_EXTERN int pd_state_record_position(pd_state *state, const char *archive_key,
			     pd_archive_kind kind, const pd_position *position);

typedef struct {
	int64_t id;
	int64_t made;            /* when it was recorded */
	char *range;             /* "FROM..TO" */
	int64_t n_messages, n_new, n_reported, n_continued;
	int has_report;          /* its report is kept: pd_state_report() */
} pd_state_digest;

typedef struct {
	char *key;               /* the archive's path */
	char *kind;
	pd_position *position;   /* NULL when none recorded */
	int64_t n_series, n_digests;
	pd_state_digest *last;   /* the newest digests, newest first */
	size_t n_last;
} pd_state_archive;

/* What the state holds: every archive, with up to `last_digests` of its
 * newest digests.  *out is a new array of *n_out entries; free it with
 * pd_state_archives_free(). */
PD_EXTERN int pd_state_list(pd_state_archive **out, size_t *n_out, pd_state *state,
		  size_t last_digests);
PD_EXTERN void pd_state_archives_free(pd_state_archive *archives, size_t n);

/* The report of digest `digest_id` (pd_state_digest.id) as the state
 * keeps it: its JSON ("patchdigest-1", as pd_render_write() made it when
 * it was recorded), a new NUL-terminated string of *out_len bytes
 * (pd_free()); *out NULL when none is kept (a digest recorded before
 * reports were).  PD_ERR_STATE when it is damaged. */
PD_EXTERN int pd_state_report(char **out, size_t *out_len, pd_state *state, int64_t digest_id);

/* Forgets an archive: its position, digests and series, in one
 * transaction.  *n_series_out (may be NULL) gets how many series went.
 * PD_ERR_NOT_FOUND when the state does not know `archive_key`. */
PD_EXTERN int pd_state_forget(pd_state *state, const char *archive_key, int64_t *n_series_out);

/* ---- renderers ---------------------------------------------------------- */

/* Receives a renderer's output piece by piece, in order; returns 0 to go
 * on, anything else to stop the renderer (which then fails with
 * PD_ERR_IO). */
typedef int (*pd_write_cb)(const char *data, size_t len, void *payload);

/* The classic text digest, written through `write` as it is made, in
 * pieces of about 64 KB: a digest of a million messages is never held
 * whole in memory. */
PD_EXTERN int pd_render_classic_write(const pd_report *report, pd_write_cb write, void *payload);

/* The same report as JSON, written the same way. */
PD_EXTERN int pd_render_json_write(const pd_report *report, pd_write_cb write, void *payload);

/* Both renderers into one new NUL-terminated string (free with
 * pd_free()), *out_len its length. */
PD_EXTERN int pd_render_classic(char **out, size_t *out_len, const pd_report *report);
PD_EXTERN int pd_render_json(char **out, size_t *out_len, const pd_report *report);

/* The formats a report is written in (docs/format.md describes each). */
typedef enum {
	PD_FORMAT_CLASSIC = 0, /* the classic text */
	PD_FORMAT_JSON,        /* the report as data ("patchdigest-1") */
	PD_FORMAT_HTML,        /* one self-contained page: inline CSS and SVG */
	PD_FORMAT_MARKDOWN,    /* for a wiki, a forum or an issue */
	PD_FORMAT_EMAIL,       /* the classic text as an RFC 5322 message */
	PD_FORMAT_MBOX         /* the new series' own messages, as mboxrd:
	                          needs a report made with
	                          pd_digest_options.parse.keep_raw */
} pd_format;

/* "classic", "json", "html", "markdown", "email", "mbox". */
PD_EXTERN const char *pd_format_to_string(pd_format format);
/* The format named `name`; PD_ERR_INVALID (the error lists the names)
 * when none is. */
PD_EXTERN int pd_format_from_string(pd_format *out, const char *name);

typedef struct {
	unsigned int version;
	int links;             /* classic (and email): a "Link: URL" line under
	                          each New: block's Author: line and after
	                          each series heading of the patch list */
	const char *link_mask; /* a message's link: this with its one "%s"
	                          replaced by the percent-escaped Message-ID
	                          ("https://lore.kernel.org/kvm/%s/"); NULL:
	                          https://lore.kernel.org/LIST/%s/ with the
	                          report's lore_list (a digest of several
	                          lists: the message's first list's) */
	/* PD_FORMAT_EMAIL's headers: From: is required (PD_ERR_INVALID
	 * without it); To: and Cc: are comma-separated address lists (To:
	 * NULL: "undisclosed-recipients:;") */
	const char *mail_from;
	const char *mail_to;
	const char *mail_cc;
	int64_t mail_date;     /* Date:; 0: now */
	const char *mail_message_id; /* without brackets; NULL: a new one */
	int64_t generated;     /* PD_FORMAT_HTML: when not 0, the page says it
	                          was made then (a site's page names the time
	                          its digest was recorded); 0: no time, so
	                          one report always makes the same page */
} pd_render_options;
#define PD_RENDER_OPTIONS_VERSION 1
#define PD_RENDER_OPTIONS_INIT { .version = PD_RENDER_OPTIONS_VERSION }

/* `report` in `format`, written through `write` as it is made (opts may
 * be NULL: the defaults).  PD_ERR_INVALID for options of another
 * version, an email without mail_from, or mbox of a report that kept no
 * messages' bytes; PD_ERR_IO when `write` stopped it or a kept text
 * cannot be read back. */
PD_EXTERN int pd_render_write(const pd_report *report, pd_format format,
			      const pd_render_options *opts, pd_write_cb write, void *payload);

/* The same into one new string (pd_free()), *out_len its length. */
PD_EXTERN int pd_render(char **out, size_t *out_len, const pd_report *report,
			pd_format format, const pd_render_options *opts);

/* The link to `m` (one of the report's messages) by `link_mask` (as
 * pd_render_options.link_mask; NULL: lore's): a new string (pd_free()),
 * or NULL when it has no Message-ID or no list is known. */
PD_EXTERN char *pd_report_link(const pd_report *report, const pd_post *m,
			       const char *link_mask);

/* The bytes of `m`, one of the report's patches or cover letters, as the
 * archive stored them (pd_parse_options.keep_raw, an mbox's separator
 * lines left out): *out a new buffer of
 * *out_len bytes (pd_free()), NUL-terminated after them; *out NULL when
 * they were not kept.  PD_ERR_IO when the report's temporary file cannot
 * be read back. */
PD_EXTERN int pd_report_raw_message(char **out, size_t *out_len, const pd_report *report,
				    const pd_post *m);

/* ---- a static site of the recorded digests ----------------------------- */

typedef struct {
	unsigned int version;
	const char *title;     /* the index's and the feed's title; NULL:
	                          "Mailing list digests" */
	const char *base_url;  /* the address the folder is served at
	                          ("https://example.org/kvm/"): the feed's id
	                          and links are absolute under it; NULL: the
	                          links are relative to the feed, its id a
	                          URN made of the archives' keys */
	const char *link_mask; /* the pages' links to messages, as
	                          pd_render_options.link_mask; NULL: those
	                          each report was recorded with */
} pd_site_options;
#define PD_SITE_OPTIONS_VERSION 1
#define PD_SITE_OPTIONS_INIT { .version = PD_SITE_OPTIONS_VERSION }

typedef struct {
	size_t n_digests;      /* recorded, all listed in the index and feed */
	size_t n_pages;        /* pages written */
	size_t n_without_page; /* digests with no report kept (recorded before
	                          reports were, or damaged) */
	size_t n_damaged;      /* of those, reports that could not be read */
} pd_site_result;

/* Writes the site of every digest `state` recorded into the folder `dir`
 * (made when missing): digest-ID.html per digest whose report the state
 * keeps (PD_FORMAT_HTML, dated when it was recorded), index.html (every
 * digest, newest first) and feed.atom (an Atom feed, RFC 4287, one entry
 * per digest).  Each file is written whole and renamed into place; pages
 * of digests the state no longer records are removed, nothing else is
 * touched.  *out says what was written.  PD_ERR_IO naming the file when
 * one cannot be written; PD_ERR_STATE when the state cannot be read.  A
 * damaged report is counted in out->n_damaged, never fatal. */
PD_EXTERN int pd_site_write(pd_site_result *out, const char *dir, pd_state *state,
			    const pd_site_options *opts);

/* `text` (UTF-8) made safe to show on a terminal: every character a
 * terminal would act on instead of showing is written as a visible
 * escape -- C0 controls (but tab, and newline when `keep_lines`) and DEL
 * as \xNN ("\x1b" for ESC, "\x0a" for a newline inside a header value),
 * C1 controls, bidirectional marks, embeddings, overrides and isolates,
 * and the Unicode line and paragraph separators as \uNNNN ("\u202e").
 * Everything else is kept as it is, backslashes included.  The classic
 * renderer writes every text from mail this way; JSON keeps texts as
 * they are (JSON escapes controls; whoever shows a JSON string must make
 * it safe).  New string (pd_free()). */
PD_EXTERN char *pd_display_text(const char *text, int keep_lines);

PD_EXTERN void pd_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
