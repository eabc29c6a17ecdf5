/* allow_list.h: allowed_outbound_hosts: entries parsed ("https://api.example.com", "http://127.0.0.1:*"), URLs and connected addresses checked against them. */
#ifndef WH_ALLOW_LIST_H
#define WH_ALLOW_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define ALLOW_ANY_PORT (-1)
#define ALLOW_DEFAULT_PORT 0 /* the URL's scheme's own: 80 for http, 443 for https */

/* One entry: SCHEME://HOST[:PORT], each part possibly "*"; HOST may also be "*.example.com" (its
 * subdomains, not itself). */
typedef struct allow_rule {
    char scheme[8]; /* "http", "https" or "*" */
    char *host;     /* canonical: lower case, no trailing dot; an IP address as inet_ntop writes it */
    bool address;   /* the host is an IP address */
    int port;       /* 1..65535, ALLOW_ANY_PORT or ALLOW_DEFAULT_PORT */
} allow_rule;

typedef struct allow_list {
    allow_rule *rules;
    size_t count;
} allow_list;

/* Parses one entry into `rule` (its host allocated); NULL, or why it is not one (for the
 * manifest's message: "has no scheme: write http://HOST or https://HOST"). */
const char *allow_rule_parse(const char *text, allow_rule *rule);
void allow_list_clear(allow_list *list);

/* `host` (from a URL: "[::1]", "Example.COM.", "127.0.0.1") in canonical form into `out`; false
 * when it does not fit. */
bool allow_host_canonical(const char *host, char *out, size_t out_size);

/* Whether the list names SCHEME://HOST:PORT (scheme lower case, host canonical, port numeric). */
bool allow_list_permits(const allow_list *list, const char *scheme, const char *host, int port);

/* Whether a connection to `address` may be opened for a request to SCHEME://...:PORT: a public
 * address, yes (its host name was checked already); a loopback, private, link-local, unspecified
 * or otherwise special address only when an entry names that address itself (http://127.0.0.1:*),
 * so that a name on the list cannot be pointed by its DNS at the host's own network. */
bool allow_list_permits_address(const allow_list *list, const char *scheme, int port, const struct sockaddr *address);

#endif
