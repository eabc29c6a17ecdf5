/* admin_swap_test.c: 100 alternating deploys of two versions while clients keep requesting the route: no request fails. */
#include <stdio.h>

#include "admin_support.h"

#define CLIENTS 4
#define SWAPS 100

static int public_port;
static atomic_bool stop;
static atomic_long answered, failed, unexpected;

/* A keep-alive client: every answer must be 200 and one of the two versions' bodies. */
static void *client(void *unused)
{
    (void)unused;
    CURL *curl = curl_easy_init();
    while (!atomic_load(&stop)) {
        reply r = http_on(curl, "GET", public_port, "/color", NULL, 0, NULL);
        if (r.status != 200) {
            if (atomic_fetch_add(&failed, 1) < 5)
                fprintf(stderr, "failed request: status %ld (%s)\n", r.status, r.error);
        } else if (strcmp(r.body, "blue") != 0 && strcmp(r.body, "green") != 0) {
            atomic_fetch_add(&unexpected, 1);
        }
        atomic_fetch_add(&answered, 1);
        reply_free(&r);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: admin_swap_test WASMHOST GUESTS HOST_GUESTS WORK\n");
        return 2;
    }
    const char *wasmhost = argv[1], *guests = argv[2], *work = argv[4];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char path[4200], state[4200], command[4300];
    size_t blue_size, green_size;
    snprintf(path, sizeof path, "%s/blue.wasm", guests);
    uint8_t *blue = read_bytes(path, &blue_size);
    snprintf(path, sizeof path, "%s/green.wasm", guests);
    uint8_t *green = read_bytes(path, &green_size);
    snprintf(state, sizeof state, "%s/swap", work);
    snprintf(command, sizeof command, "rm -rf '%s'", state);
    CHECK(system(command) == 0);
    served s;
    const char *args[] = {"--access-log", "off", NULL};
    CHECK(blue && green && served_start(&s, wasmhost, state, 0, args));
    char digests[2][128];
    const char *colors[2] = {"blue", "green"};
    CHECK(upload(s.admin_port, blue, blue_size, digests[0], sizeof digests[0]) == 201);
    CHECK(upload(s.admin_port, green, green_size, digests[1], sizeof digests[1]) == 201);
    CHECK(deploy(s.admin_port, "color", digests[0], "/color", "", NULL) == 1);
    public_port = s.public_port;

    pthread_t threads[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        pthread_create(&threads[i], NULL, client, NULL);
    CURL *probe = curl_easy_init();
    int stale = 0;
    for (int swap = 1; swap <= SWAPS; swap++) {
        int which = swap % 2;
        long status;
        int version = deploy(s.admin_port, "color", digests[which], "/color", "", &status);
        CHECK(version == swap + 1, "deploy %d: version %d (status %ld)", swap, version, status);
        /* The new version takes every request that starts after the deploy's 200. */
        reply r = http_on(probe, "GET", public_port, "/color", NULL, 0, NULL);
        if (r.status != 200 || strcmp(r.body, colors[which]) != 0)
            stale++;
        reply_free(&r);
    }
    curl_easy_cleanup(probe);
    atomic_store(&stop, true);
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(threads[i], NULL);
    printf("%d deploys under load: %ld requests answered, %ld failed, %ld with another body, %d stale after a 200\n",
           SWAPS, atomic_load(&answered), atomic_load(&failed), atomic_load(&unexpected), stale);
    CHECK(atomic_load(&failed) == 0);
    CHECK(atomic_load(&unexpected) == 0);
    CHECK(stale == 0, "a request after a deploy's 200 reached the old version");
    CHECK(atomic_load(&answered) > SWAPS, "the clients kept requesting throughout");
    /* The counters of versions no longer loaded are recycled: 101 versions, a handful of series (8
     * unused ones kept, plus those a request still held when a new version was made). */
    reply metrics = http("GET", public_port, "/metrics", NULL);
    size_t series = 0;
    for (const char *at = metrics.body; (at = strstr(at, "wasmhost_instances_created_total{service=\"color\"")); at++)
        series++;
    CHECK(series >= 2 && series <= 16, "%zu series of wasmhost_instances_created_total for color", series);
    reply_free(&metrics);
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);
    free(blue);
    free(green);
    curl_global_cleanup();
    return checks_done("admin_swap_test");
}
