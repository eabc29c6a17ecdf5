/* admin_plugin_test.c: plugins over HTTP: calls, POST /wasm/execute, model predictions and pipelines, from the manifest and the admin API. */
#include <stdio.h>

#include "admin_support.h"

static const char *wasmhost, *guests, *work;
static char examples[4200]; /* build/examples/plugins */

/* A reply's status, the reply freed. */
static long status_of(reply r)
{
    long status = r.status;
    reply_free(&r);
    return status;
}

static reply post(const served *s, const char *path, const char *body)
{
    return http_on(NULL, "POST", s->public_port, path, body, strlen(body), NULL);
}

/* Uploads the plugin FILE (under `folder`) and PUTs it as plugin `name` with `extra` keys. */
static int put_plugin(const served *s, const char *folder, const char *file, const char *name, const char *extra)
{
    char path[4400], digest[128], url[256], body[1024];
    snprintf(path, sizeof path, "%s/%s", folder, file);
    size_t size;
    uint8_t *bytes = read_bytes(path, &size);
    CHECK(bytes != NULL, "%s", path);
    if (!bytes)
        return 0;
    CHECK(upload(s->admin_port, bytes, size, digest, sizeof digest) / 100 == 2);
    free(bytes);
    snprintf(url, sizeof url, "/v1/plugins/%s", name);
    snprintf(body, sizeof body, "{\"module\": \"%s\"%s}", digest, extra);
    reply r = http("PUT", s->admin_port, url, body);
    int version = r.status == 200 ? reply_version(&r) : 0;
    CHECK(r.status == 200, "PUT %s: %ld %s", url, r.status, r.body);
    reply_free(&r);
    return version;
}

static void test_calls(served *s)
{
    reply r = post(s, "/v1/plugins/upper/call/process", "hello, plugins");
    CHECK(r.status == 200 && strcmp(r.body, "HELLO, PLUGINS") == 0, "%ld '%s'", r.status, r.body);
    reply_free(&r);
    r = post(s, "/v1/plugins/upper/call/nothing", "x");
    CHECK(r.status == 404 && reply_contains(&r, "no export 'nothing'"), "%s", r.body);
    reply_free(&r);
    r = post(s, "/v1/plugins/ghost/call/process", "x");
    CHECK(r.status == 404 && reply_contains(&r, "no plugin 'ghost'"), "%s", r.body);
    reply_free(&r);
    r = post(s, "/v1/plugins/hello/call/process", "x");
    CHECK(r.status == 404, "a service is not a plugin: %ld", r.status);
    reply_free(&r);
    r = http("GET", s->public_port, "/v1/plugins/upper/call/process", NULL);
    CHECK(r.status == 405, "%ld", r.status);
    reply_free(&r);
    /* Failures: a trap, a reported error, the timeout, the memory cap; each with the request id. */
    r = post(s, "/v1/plugins/moody/call/process", "trap");
    CHECK(r.status == 500 && reply_contains(&r, "\"request_id\"") && reply_contains(&r, "unreachable"), "%ld %s",
          r.status, r.body);
    reply_free(&r);
    r = post(s, "/v1/plugins/moody/call/process", "fail");
    CHECK(r.status == 500 && reply_contains(&r, "plugin error: asked to fail"), "%ld %s", r.status, r.body);
    reply_free(&r);
    r = post(s, "/v1/plugins/moody/call/process", "junk");
    json_t *parsed = reply_json(&r);
    CHECK(r.status == 500 && parsed && reply_contains(&r, "plugin error: bad ?? bytes"), "still JSON: %s", r.body);
    json_decref(parsed);
    reply_free(&r);
    r = post(s, "/v1/plugins/moody/call/process", "loop");
    CHECK(r.status == 504, "%ld %s", r.status, r.body);
    reply_free(&r);
    r = post(s, "/v1/plugins/moody/call/process", "grow");
    CHECK(r.status == 500 && reply_contains(&r, "memory cap"), "%ld %s", r.status, r.body);
    reply_free(&r);
    r = post(s, "/v1/plugins/moody/call/process", "still fine");
    CHECK(r.status == 200 && strcmp(r.body, "still fine") == 0, "the host goes on: %ld %s", r.status, r.body);
    reply_free(&r);
    /* The body limit of the plugin (max_body 1KiB for moody). */
    char big[2048];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    r = post(s, "/v1/plugins/moody/call/process", big);
    CHECK(r.status == 413, "%ld", r.status);
    reply_free(&r);
}

static void test_execute(served *s)
{
    reply r = post(s, "/wasm/execute", "{\"service_id\": \"upper\", \"data\": \"execute me\"}");
    json_t *json = reply_json(&r);
    CHECK(r.status == 200 && strcmp(json_string_value(json_object_get(json, "result")), "EXECUTE ME") == 0, "%s",
          r.body);
    CHECK(json_is_integer(json_object_get(json, "execution_time")) &&
          json_is_integer(json_object_get(json, "execution_time_us")));
    json_decref(json);
    reply_free(&r);
    r = post(s, "/wasm/execute", "{\"service_id\": \"upper\", \"data\": \"x\", \"function\": \"process\"}");
    CHECK(r.status == 200 && reply_contains(&r, "\"X\""), "%s", r.body);
    reply_free(&r);
    r = post(s, "/wasm/execute", "{\"service_id\": \"ghost\", \"data\": \"x\"}");
    CHECK(r.status == 404 && reply_contains(&r, "no plugin 'ghost'"), "%ld %s", r.status, r.body);
    reply_free(&r);
    r = post(s, "/wasm/execute", "{\"service_id\": \"moody\", \"data\": \"trap\", \"function\": \"process\"}");
    CHECK(r.status == 500 && reply_contains(&r, "\"error\""), "%ld %s", r.status, r.body);
    reply_free(&r);
    r = post(s, "/wasm/execute", "{\"data\": 5}");
    CHECK(r.status == 400, "%ld", r.status);
    reply_free(&r);
    r = post(s, "/wasm/execute", "not json");
    CHECK(r.status == 400 && reply_contains(&r, "not valid JSON"), "%s", r.body);
    reply_free(&r);
}

static void test_models(served *s)
{
    reply r = post(s, "/v1/models/mlp/predict", "{\"input\": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]}");
    json_t *json = reply_json(&r), *output = json_object_get(json, "output");
    CHECK(r.status == 200 && json_array_size(output) == 3, "%ld %s", r.status, r.body);
    double sum = 0;
    for (size_t i = 0; i < json_array_size(output); i++)
        sum += json_number_value(json_array_get(output, i));
    CHECK(sum > 0.999 && sum < 1.001, "probabilities add up to %g", sum);
    json_decref(json);
    reply_free(&r);
    r = post(s, "/v1/models/mlp/predict", "{\"inputs\": [[0,0,0,0,0,0,0,0], [1,1,1,1,1,1,1,1]]}");
    json = reply_json(&r);
    CHECK(r.status == 200 && json_array_size(json_object_get(json, "outputs")) == 2, "%s", r.body);
    json_decref(json);
    reply_free(&r);
    r = post(s, "/v1/models/mlp/predict", "{\"input\": [1, 2]}");
    CHECK(r.status == 400 && reply_contains(&r, "the model takes 8"), "%s", r.body);
    reply_free(&r);
    r = post(s, "/v1/models/upper/predict", "{\"input\": [1]}");
    CHECK(r.status == 404 && reply_contains(&r, "not a model"), "%s", r.body);
    reply_free(&r);
}

static void test_pipelines(served *s)
{
    reply r = post(s, "/v1/pipelines/shout-count/run", "one two\nthree");
    CHECK(r.status == 200 && reply_contains(&r, "\"words\":3"), "%ld %s", r.status, r.body);
    reply_free(&r);
    /* Through the API: a stage that fails answers 422 with its index; one that is missing, 404. */
    CHECK(status_of(http("PUT", s->admin_port, "/v1/pipelines/fragile", "{\"stages\": [\"upper\", \"moody\"]}")) ==
          200);
    r = post(s, "/v1/pipelines/fragile/run", "trap"); /* upper makes it "TRAP": moody echoes it */
    CHECK(r.status == 200 && strcmp(r.body, "TRAP") == 0, "%s", r.body);
    reply_free(&r);
    CHECK(status_of(http("PUT", s->admin_port, "/v1/pipelines/fragile", "{\"stages\": [\"moody\", \"upper\"]}")) ==
          200);
    r = post(s, "/v1/pipelines/fragile/run", "fail");
    CHECK(r.status == 422 && reply_contains(&r, "\"stage\":0") && reply_contains(&r, "\"plugin\":\"moody\""), "%ld %s",
          r.status, r.body);
    reply_free(&r);
    CHECK(status_of(http("PUT", s->admin_port, "/v1/pipelines/gap", "{\"stages\": [\"upper\", \"ghost\"]}")) == 200);
    r = post(s, "/v1/pipelines/gap/run", "x");
    CHECK(r.status == 404 && reply_contains(&r, "\"stage\":1") && reply_contains(&r, "no plugin 'ghost'"), "%s",
          r.body);
    reply_free(&r);
    r = http("PUT", s->admin_port, "/v1/pipelines/shout-count", "{\"stages\": [\"upper\"]}");
    CHECK(r.status == 409 && reply_contains(&r, "manifest"), "%s", r.body);
    reply_free(&r);
    r = http("PUT", s->admin_port, "/v1/pipelines/bad", "{\"stages\": [\"up:\"]}");
    CHECK(r.status == 400 && reply_contains(&r, "stage #1"), "%s", r.body);
    reply_free(&r);
    r = http("GET", s->admin_port, "/v1/pipelines", NULL);
    CHECK(r.status == 200 && reply_contains(&r, "fragile") && reply_contains(&r, "shout-count"), "%s", r.body);
    reply_free(&r);
    CHECK(status_of(http("DELETE", s->admin_port, "/v1/pipelines/gap", NULL)) == 204);
    r = post(s, "/v1/pipelines/gap/run", "x");
    CHECK(r.status == 404 && reply_contains(&r, "no pipeline"), "%s", r.body);
    reply_free(&r);
}

/* A plugin deployed through the API: versions, rollback, names shared with services (main checks
 * that it comes back after a restart). */
static void test_api_plugins(served *s)
{
    CHECK(put_plugin(s, examples, "redact.wasm", "scrub", "") == 1);
    reply r = post(s, "/v1/plugins/scrub/call/process", "write to ann@example.org");
    CHECK(r.status == 200 && strcmp(r.body, "write to [redacted]") == 0, "'%s'", r.body);
    reply_free(&r);
    CHECK(put_plugin(s, examples, "upper.wasm", "scrub", "") == 2);
    r = post(s, "/v1/plugins/scrub/call/process", "abc");
    CHECK(r.status == 200 && strcmp(r.body, "ABC") == 0, "the new version at once: '%s'", r.body);
    reply_free(&r);
    CHECK(status_of(http("POST", s->admin_port, "/v1/plugins/scrub/rollback", NULL)) == 200);
    r = post(s, "/v1/plugins/scrub/call/process", "abc");
    CHECK(r.status == 200 && strcmp(r.body, "abc") == 0, "rolled back to redact: '%s'", r.body);
    reply_free(&r);
    r = http("GET", s->admin_port, "/v1/services/scrub", NULL);
    CHECK(r.status == 409 && reply_contains(&r, "is a plugin"), "%s", r.body);
    reply_free(&r);
    r = http("PUT", s->admin_port, "/v1/plugins/bad", "{\"module\": \"sha256:00\", \"routes\": [\"/x\"]}");
    CHECK(r.status == 400 && reply_contains(&r, "'routes'"), "%s", r.body);
    reply_free(&r);
    /* A module that is not a plugin is refused at deploy with what is missing. */
    char path[4400], digest[128];
    snprintf(path, sizeof path, "%s/blue.wasm", guests);
    size_t size;
    uint8_t *bytes = read_bytes(path, &size);
    CHECK(bytes && upload(s->admin_port, bytes, size, digest, sizeof digest) / 100 == 2);
    free(bytes);
    char body[256];
    snprintf(body, sizeof body, "{\"module\": \"%s\"}", digest);
    r = http("PUT", s->admin_port, "/v1/plugins/notone", body);
    CHECK(r.status == 400 && reply_contains(&r, "wasmhost_alloc"), "%ld %s", r.status, r.body);
    reply_free(&r);
    /* Services and plugins share the names: a PUT of the other kind is refused, with which it is. */
    snprintf(body, sizeof body, "{\"module\": \"%s\", \"routes\": [\"/scrub\"], \"abi\": \"http\"}", digest);
    r = http("PUT", s->admin_port, "/v1/services/scrub", body);
    CHECK(r.status == 409 && reply_contains(&r, "is a plugin"), "%ld %s", r.status, r.body);
    reply_free(&r);
    snprintf(body, sizeof body, "{\"module\": \"%s\"}", digest);
    r = http("PUT", s->admin_port, "/v1/plugins/hello", body);
    CHECK(r.status == 409 && reply_contains(&r, "manifest"), "a manifest service's name: %ld %s", r.status, r.body);
    reply_free(&r);
    /* Automatic rollback applies to plugins too. */
    CHECK(put_plugin(s, examples, "upper.wasm", "wobbly", "") == 1);
    CHECK(put_plugin(s, guests, "moody.wasm", "wobbly",
                     ", \"health\": {\"window\": \"60s\", \"min_requests\": 3, \"max_error_rate\": 0.5}") == 2);
    /* Until a deadline, not a count: the rollback waits for a database commit on a busy machine. */
    bool back = false;
    for (uint64_t give_up = now_ms() + 20000; !back && now_ms() < give_up;) {
        r = post(s, "/v1/plugins/wobbly/call/process", "trap");
        back = r.status == 200 && strcmp(r.body, "TRAP") == 0;
        reply_free(&r);
        if (!back)
            sleep_ms(5);
    }
    CHECK(back, "the plugin that traps was rolled back");
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: admin_plugin_test WASMHOST GUESTS HOST_GUESTS WORK\n");
        return 2;
    }
    wasmhost = argv[1], guests = argv[2], work = argv[4];
    examples_folder(wasmhost, examples, sizeof examples);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char state[4200], manifest[4200];
    fresh_folder(work, "plugins", state, sizeof state);
    snprintf(manifest, sizeof manifest, "%s/plugins.yaml", work);
    CHECK(write_text(manifest,
                     "services:\n  - {name: hello, module: %s/blue.wasm, abi: http, routes: [/hello]}\n"
                     "plugins:\n"
                     "  - {name: upper, module: %s/upper.wasm}\n"
                     "  - {name: wordcount, module: %s/wordcount.wasm}\n"
                     "  - {name: mlp, module: %s/mlp.wasm}\n"
                     "  - name: moody\n    module: %s/moody.wasm\n"
                     "    limits: {timeout: 300ms, max_memory: 8MiB, max_body: 1KiB}\n"
                     "pipelines:\n  - {name: shout-count, stages: [upper, wordcount]}\n",
                     guests, examples, examples, examples, guests));
    served s;
    const char *args[] = {manifest, NULL};
    CHECK(served_start(&s, wasmhost, state, 0, args), "%s", s.log ? s.log : "");
    if (s.pid > 0) {
        test_calls(&s);
        test_execute(&s);
        test_models(&s);
        test_pipelines(&s);
        test_api_plugins(&s);
        reply r = http("GET", s.public_port, "/metrics", NULL);
        CHECK(reply_contains(&r, "wasmhost_requests_total{service=\"upper\",version=\"1\",code=\"200\"}"),
              "plugin metrics");
        CHECK(reply_contains(&r, "wasmhost_timeouts_total{service=\"moody\",version=\"1\"} 1"));
        CHECK(reply_contains(&r, "wasmhost_pipeline_stage_duration_seconds_count{pipeline=\"shout-count\",stage=\"1\","
                                 "plugin=\"wordcount\"} 1"),
              "per-stage latency");
        reply_free(&r);
    }
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);

    /* After a restart: the API's plugins (at their active versions) and pipelines are back. */
    CHECK(served_start(&s, wasmhost, state, 0, args), "%s", s.log ? s.log : "");
    if (s.pid > 0) {
        reply r = post(&s, "/v1/plugins/scrub/call/process", "ann@example.org");
        CHECK(r.status == 200 && strcmp(r.body, "[redacted]") == 0, "%ld '%s'", r.status, r.body);
        reply_free(&r);
        r = post(&s, "/v1/pipelines/fragile/run", "ok");
        CHECK(r.status == 200 && strcmp(r.body, "OK") == 0, "%ld '%s'", r.status, r.body);
        reply_free(&r);
    }
    CHECK(served_stop(&s, false) == 0);
    served_free(&s);
    curl_global_cleanup();
    return checks_done("admin_plugin_test");
}
