/* curl_lazy.c: loading libcurl on first use (curl_lazy.h). */
#include "curl_lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

curl_lazy_functions curl_lazy;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static bool loaded;
static char failure[512];

static void load(void)
{
    /* The soname of Debian's libcurl4 (the package libcurl4-openssl-dev depends on). */
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "cannot load libcurl.so.4 (%s); on Debian: apt-get install -y libcurl4",
                 why ? why : "not found");
        return;
    }
#define CURL_LAZY_LOAD(name)                                                                    \
    if (!(curl_lazy.name = (__typeof__(curl_lazy.name))dlsym(library, #name))) {                \
        snprintf(failure, sizeof failure, "libcurl.so.4 has no %s (too old a libcurl)", #name); \
        return;                                                                                 \
    }
    CURL_LAZY_FUNCTIONS(CURL_LAZY_LOAD)
#undef CURL_LAZY_LOAD
    if (curl_lazy.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(failure, sizeof failure, "libcurl could not start (curl_global_init failed)");
        return;
    }
    loaded = true; /* never unloaded: handles may live until the process ends */
}

bool curl_lazy_load(char *why, size_t why_size)
{
    pthread_once(&load_once, load);
    if (!loaded)
        snprintf(why, why_size, "%s", failure);
    return loaded;
}
