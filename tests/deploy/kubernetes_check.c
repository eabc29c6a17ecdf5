/* kubernetes_check.c: deploy/kubernetes/ checked offline: every object, names and labels, values, and the ConfigMap's manifest through `serve --check`. */
#include <dirent.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml.h>

#include "check.h"    /* tests/check.h */
#include "manifest.h" /* manifest_parse_duration: --grace as serve reads it */

/* No cluster and no network here: the objects are read with libyaml and checked against what
 * docs/deploy.md promises (3 replicas, 64Mi/128Mi, probes on /healthz and /readyz, a non-root
 * read-only container, Prometheus annotations, a grace period that covers --grace) and against
 * each other (the labels the Service, PodDisruptionBudget and HPA select are the pods', the
 * volumes are mounted where the arguments point). The ConfigMap's manifest is run through
 * `wasmhost serve --check` with the Deployment's own arguments and environment. */

enum { MAX_FILES = 16 };

typedef struct yaml_file {
    char name[256];
    yaml_document_t document;
    bool loaded;
} yaml_file;

static yaml_file files[MAX_FILES];
static size_t file_count;

/* ---- reading YAML ---- */

static bool load_file(const char *folder, const char *name, yaml_file *out)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    snprintf(out->name, sizeof out->name, "%s", name);
    FILE *file = fopen(path, "rb");
    CHECK(file != NULL, "cannot open %s", path);
    if (!file)
        return false;
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, file);
    bool ok = yaml_parser_load(&parser, &out->document) != 0;
    CHECK(ok, "%s:%zu:%zu: %s", path, parser.problem_mark.line + 1, parser.problem_mark.column + 1,
          parser.problem ? parser.problem : "not YAML");
    if (ok) {
        out->loaded = true;
        /* One object per file: a second document would be applied but never checked here. */
        yaml_document_t second;
        ok = yaml_parser_load(&parser, &second) != 0;
        CHECK(ok && yaml_document_get_root_node(&second) == NULL, "%s holds more than one document", path);
        if (ok)
            yaml_document_delete(&second);
    }
    yaml_parser_delete(&parser);
    fclose(file);
    return out->loaded;
}

/* The node at a path of keys ("spec", "template") and sequence indexes ("[0]"), NULL-terminated;
 * NULL when a step is missing. */
static yaml_node_t *node_at(yaml_document_t *document, yaml_node_t *node, ...)
{
    va_list steps;
    va_start(steps, node);
    for (const char *step; node && (step = va_arg(steps, const char *)) != NULL;) {
        yaml_node_t *next = NULL;
        if (step[0] == '[' && node->type == YAML_SEQUENCE_NODE) {
            long index = atol(step + 1);
            long count = node->data.sequence.items.top - node->data.sequence.items.start;
            if (index >= 0 && index < count)
                next = yaml_document_get_node(document, node->data.sequence.items.start[index]);
        } else if (node->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
                yaml_node_t *key = yaml_document_get_node(document, pair->key);
                if (key->type == YAML_SCALAR_NODE && strcmp((const char *)key->data.scalar.value, step) == 0)
                    next = yaml_document_get_node(document, pair->value);
            }
        }
        node = next;
    }
    va_end(steps);
    return node;
}

static const char *scalar(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static bool equals(const yaml_node_t *node, const char *text)
{
    const char *value = scalar(node);
    return value && strcmp(value, text) == 0;
}

static long count_items(const yaml_node_t *node)
{
    return node && node->type == YAML_SEQUENCE_NODE ? node->data.sequence.items.top - node->data.sequence.items.start
                                                    : 0;
}

/* The item of a sequence of mappings whose `key` is `value` (a container, a port, a volume). */
static yaml_node_t *item_named(yaml_document_t *document, yaml_node_t *sequence, const char *key, const char *value)
{
    for (long i = 0; i < count_items(sequence); i++) {
        yaml_node_t *item = yaml_document_get_node(document, sequence->data.sequence.items.start[i]);
        if (equals(node_at(document, item, key, NULL), value))
            return item;
    }
    return NULL;
}

/* Whether the sequence holds the scalar `value`. */
static bool holds(yaml_document_t *document, yaml_node_t *sequence, const char *value)
{
    for (long i = 0; i < count_items(sequence); i++)
        if (equals(yaml_document_get_node(document, sequence->data.sequence.items.start[i]), value))
            return true;
    return false;
}

/* Whether every key of the mapping `subset` (of `subset_document`) has the same value in `labels`. */
static bool labels_within(yaml_document_t *subset_document, yaml_node_t *subset, yaml_document_t *document,
                          yaml_node_t *labels)
{
    if (!subset || subset->type != YAML_MAPPING_NODE ||
        subset->data.mapping.pairs.top == subset->data.mapping.pairs.start)
        return false;
    for (yaml_node_pair_t *pair = subset->data.mapping.pairs.start; pair < subset->data.mapping.pairs.top; pair++) {
        const char *key = scalar(yaml_document_get_node(subset_document, pair->key));
        const char *value = scalar(yaml_document_get_node(subset_document, pair->value));
        if (!key || !value || !equals(node_at(document, labels, key, NULL), value))
            return false;
    }
    return true;
}

/* The object of `kind` (checked: exactly one). */
static yaml_file *object_of_kind(const char *kind)
{
    yaml_file *found = NULL;
    int count = 0;
    for (size_t i = 0; i < file_count; i++) {
        yaml_document_t *d = &files[i].document;
        if (files[i].loaded && equals(node_at(d, yaml_document_get_root_node(d), "kind", NULL), kind)) {
            found = &files[i];
            count++;
        }
    }
    CHECK(count == 1, "expected one %s, found %d", kind, count);
    return count == 1 ? found : NULL;
}

/* ---- the objects ---- */

/* kustomization.yaml lists every other YAML file of the folder, and each is one object with
 * apiVersion, kind, metadata.name and the app label. */
static void check_files(const char *folder)
{
    yaml_file kustomization;
    if (!load_file(folder, "kustomization.yaml", &kustomization))
        return;
    yaml_document_t *k = &kustomization.document;
    yaml_node_t *root = yaml_document_get_root_node(k);
    CHECK(equals(node_at(k, root, "apiVersion", NULL), "kustomize.config.k8s.io/v1beta1") &&
              equals(node_at(k, root, "kind", NULL), "Kustomization"),
          "kustomization.yaml: apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization");
    yaml_node_t *resources = node_at(k, root, "resources", NULL);
    for (long i = 0; i < count_items(resources) && file_count < MAX_FILES; i++) {
        const char *name = scalar(yaml_document_get_node(k, resources->data.sequence.items.start[i]));
        CHECK(name != NULL, "kustomization.yaml: resources[%ld] is not a file name", i);
        if (name)
            load_file(folder, name, &files[file_count++]);
    }
    DIR *dir = opendir(folder);
    for (struct dirent *entry; dir && (entry = readdir(dir)) != NULL;) {
        size_t length = strlen(entry->d_name);
        if (length > 5 && strcmp(entry->d_name + length - 5, ".yaml") == 0 &&
            strcmp(entry->d_name, "kustomization.yaml") != 0)
            CHECK(holds(k, resources, entry->d_name), "%s is not in kustomization.yaml's resources", entry->d_name);
    }
    if (dir)
        closedir(dir);
    yaml_document_delete(k);

    for (size_t i = 0; i < file_count; i++) {
        if (!files[i].loaded)
            continue;
        yaml_document_t *d = &files[i].document;
        yaml_node_t *object = yaml_document_get_root_node(d);
        CHECK(scalar(node_at(d, object, "apiVersion", NULL)) && scalar(node_at(d, object, "kind", NULL)) &&
                  scalar(node_at(d, object, "metadata", "name", NULL)),
              "%s: apiVersion, kind and metadata.name are required", files[i].name);
        CHECK(equals(node_at(d, object, "metadata", "labels", "app.kubernetes.io/name", NULL), "wasmhost"),
              "%s: metadata.labels app.kubernetes.io/name: wasmhost", files[i].name);
    }
}

/* The API version each kind must have (the stable ones: policy/v1 since 1.21, autoscaling/v2 since 1.23). */
static void check_api_versions(void)
{
    static const char *const expected[][2] = {
        {"ConfigMap", "v1"},
        {"Deployment", "apps/v1"},
        {"Service", "v1"},
        {"PodDisruptionBudget", "policy/v1"},
        {"HorizontalPodAutoscaler", "autoscaling/v2"},
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        yaml_file *f = object_of_kind(expected[i][0]);
        if (f)
            CHECK(equals(node_at(&f->document, yaml_document_get_root_node(&f->document), "apiVersion", NULL),
                         expected[i][1]),
                  "%s: apiVersion %s", f->name, expected[i][1]);
    }
}

/* What the Deployment tells the other checks. */
typedef struct pod_facts {
    yaml_document_t *document;
    yaml_node_t *pod_labels, *container, *args;
    const char *deployment_name, *replicas;
    const char *manifest_path; /* the last argument */
    const char *state_path;    /* --state's */
    const char *http_port;     /* the containerPort named http */
} pod_facts;

static const char *argument_after(yaml_document_t *d, yaml_node_t *args, const char *option)
{
    for (long i = 0; i + 1 < count_items(args); i++)
        if (equals(yaml_document_get_node(d, args->data.sequence.items.start[i]), option))
            return scalar(yaml_document_get_node(d, args->data.sequence.items.start[i + 1]));
    return NULL;
}

/* The volume mounted at `path`, and whether that mount uses subPath. */
static yaml_node_t *volume_at(pod_facts *pod, yaml_node_t *spec, const char *path, bool *sub_path)
{
    yaml_document_t *d = pod->document;
    yaml_node_t *mounts = node_at(d, pod->container, "volumeMounts", NULL);
    yaml_node_t *mount = item_named(d, mounts, "mountPath", path);
    *sub_path = mount && node_at(d, mount, "subPath", NULL) != NULL;
    const char *name = scalar(node_at(d, mount, "name", NULL));
    return name ? item_named(d, node_at(d, spec, "volumes", NULL), "name", name) : NULL;
}

static void check_security(pod_facts *pod, yaml_node_t *spec, long image_user)
{
    yaml_document_t *d = pod->document;
    yaml_node_t *pod_security = node_at(d, spec, "securityContext", NULL);
    CHECK(equals(node_at(d, pod_security, "runAsNonRoot", NULL), "true"), "pod securityContext.runAsNonRoot: true");
    const char *user = scalar(node_at(d, pod_security, "runAsUser", NULL));
    CHECK(user && atol(user) == image_user && image_user > 0, "runAsUser %s is the image's USER %ld",
          user ? user : "(none)", image_user);
    yaml_node_t *security = node_at(d, pod->container, "securityContext", NULL);
    CHECK(equals(node_at(d, security, "allowPrivilegeEscalation", NULL), "false"), "allowPrivilegeEscalation: false");
    CHECK(equals(node_at(d, security, "readOnlyRootFilesystem", NULL), "true"), "readOnlyRootFilesystem: true");
    CHECK(holds(d, node_at(d, security, "capabilities", "drop", NULL), "ALL"), "capabilities.drop: [ALL]");
    CHECK(!equals(node_at(d, security, "privileged", NULL), "true"), "not privileged");
}

static void check_resources_and_probes(pod_facts *pod)
{
    yaml_document_t *d = pod->document;
    yaml_node_t *c = pod->container;
    CHECK(equals(node_at(d, c, "resources", "requests", "memory", NULL), "64Mi"), "memory request 64Mi");
    CHECK(equals(node_at(d, c, "resources", "limits", "memory", NULL), "128Mi"), "memory limit 128Mi");
    /* The HPA's utilization is a share of the CPU request: without one it cannot scale. */
    CHECK(scalar(node_at(d, c, "resources", "requests", "cpu", NULL)) != NULL, "a CPU request (for the HPA)");
    static const char *const probes[][2] = {{"livenessProbe", "/healthz"}, {"readinessProbe", "/readyz"}};
    for (size_t i = 0; i < 2; i++) {
        yaml_node_t *get = node_at(d, c, probes[i][0], "httpGet", NULL);
        CHECK(equals(node_at(d, get, "path", NULL), probes[i][1]), "%s on %s", probes[i][0], probes[i][1]);
        const char *port = scalar(node_at(d, get, "port", NULL));
        CHECK(port && (strcmp(port, "http") == 0 || (pod->http_port && strcmp(port, pod->http_port) == 0)),
              "%s on the http port: %s", probes[i][0], port ? port : "(none)");
    }
    yaml_node_t *env = node_at(d, c, "env", NULL);
    const char *cache = scalar(node_at(d, item_named(d, env, "name", "WASM_CACHE_SIZE"), "value", NULL));
    const char *timeout = scalar(node_at(d, item_named(d, env, "name", "WASM_TIMEOUT"), "value", NULL));
    /* Their values are read by serve itself in check_manifest. */
    CHECK(cache && timeout, "env WASM_CACHE_SIZE and WASM_TIMEOUT");
}

/* Arguments, volumes, the grace period. */
static void check_arguments(pod_facts *pod, yaml_node_t *spec, yaml_file *config_map)
{
    yaml_document_t *d = pod->document;
    long count = count_items(pod->args);
    CHECK(count > 1 && equals(node_at(d, pod->args, "[0]", NULL), "serve"), "args: serve ... MANIFEST");
    char last[32];
    snprintf(last, sizeof last, "[%ld]", count - 1);
    pod->manifest_path = scalar(node_at(d, pod->args, last, NULL));
    pod->state_path = argument_after(d, pod->args, "--state");
    const char *watch = argument_after(d, pod->args, "--watch-manifest");
    CHECK(watch && strcmp(watch, "off") != 0, "--watch-manifest: a ConfigMap's changes reach the pods");

    bool sub_path = false;
    yaml_node_t *state = pod->state_path ? volume_at(pod, spec, pod->state_path, &sub_path) : NULL;
    CHECK(state && node_at(d, state, "emptyDir", NULL), "--state %s is an emptyDir's mount",
          pod->state_path ? pod->state_path : "(none)");
    yaml_node_t *tmp = volume_at(pod, spec, "/tmp", &sub_path);
    CHECK(tmp && node_at(d, tmp, "emptyDir", NULL), "/tmp is an emptyDir (SQLite's temporary files)");

    char folder[4096] = "", file[256] = "";
    if (pod->manifest_path) {
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", pod->manifest_path);
        snprintf(folder, sizeof folder, "%s", dirname(copy));
        snprintf(copy, sizeof copy, "%s", pod->manifest_path);
        snprintf(file, sizeof file, "%s", basename(copy));
    }
    yaml_node_t *volume = volume_at(pod, spec, folder, &sub_path);
    yaml_document_t *cd = config_map ? &config_map->document : NULL;
    const char *config_name =
        cd ? scalar(node_at(cd, yaml_document_get_root_node(cd), "metadata", "name", NULL)) : NULL;
    CHECK(volume && config_name && equals(node_at(d, volume, "configMap", "name", NULL), config_name),
          "the manifest's folder %s is the ConfigMap %s", folder, config_name ? config_name : "(none)");
    CHECK(!sub_path, "the ConfigMap is mounted as a folder: a subPath mount never sees updates");
    CHECK(cd && node_at(cd, yaml_document_get_root_node(cd), "data", file, NULL), "the ConfigMap has the key %s", file);

    /* SIGTERM: serve drains for up to --grace; Kubernetes must wait at least that long (a few
     * seconds more for the rest of the shutdown), but not so much longer that a stuck pod lingers. */
    const char *grace = argument_after(d, pod->args, "--grace");
    const char *period = scalar(node_at(d, spec, "terminationGracePeriodSeconds", NULL));
    uint64_t grace_ns = 0;
    CHECK(grace && manifest_parse_duration(grace, &grace_ns), "--grace DURATION: %s", grace ? grace : "(none)");
    long grace_ms = (long)(grace_ns / 1000000), period_ms = period ? atol(period) * 1000 : 0;
    CHECK(period_ms >= grace_ms + 1000 && period_ms <= grace_ms + 15000,
          "terminationGracePeriodSeconds %s covers --grace %s by 1 to 15 s", period ? period : "(none)",
          grace ? grace : "(none)");
}

static pod_facts check_deployment(long image_user, yaml_file *config_map)
{
    pod_facts pod = {0};
    yaml_file *f = object_of_kind("Deployment");
    if (!f)
        return pod;
    yaml_document_t *d = pod.document = &f->document;
    yaml_node_t *root = yaml_document_get_root_node(d);
    pod.deployment_name = scalar(node_at(d, root, "metadata", "name", NULL));
    pod.replicas = scalar(node_at(d, root, "spec", "replicas", NULL));
    CHECK(pod.replicas && strcmp(pod.replicas, "3") == 0, "replicas: 3");
    pod.pod_labels = node_at(d, root, "spec", "template", "metadata", "labels", NULL);
    CHECK(labels_within(d, node_at(d, root, "spec", "selector", "matchLabels", NULL), d, pod.pod_labels),
          "the Deployment's selector matches its pods' labels");
    yaml_node_t *annotations = node_at(d, root, "spec", "template", "metadata", "annotations", NULL);
    yaml_node_t *spec = node_at(d, root, "spec", "template", "spec", NULL);
    yaml_node_t *containers = node_at(d, spec, "containers", NULL);
    CHECK(count_items(containers) == 1, "one container");
    pod.container = node_at(d, containers, "[0]", NULL);
    pod.args = node_at(d, pod.container, "args", NULL);
    CHECK(scalar(node_at(d, pod.container, "image", NULL)) != NULL, "the container has an image");
    yaml_node_t *http = item_named(d, node_at(d, pod.container, "ports", NULL), "name", "http");
    pod.http_port = scalar(node_at(d, http, "containerPort", NULL));
    CHECK(pod.http_port && strcmp(pod.http_port, "8080") == 0, "containerPort 8080 named http");

    CHECK(equals(node_at(d, annotations, "prometheus.io/scrape", NULL), "true") &&
              equals(node_at(d, annotations, "prometheus.io/path", NULL), "/metrics") && pod.http_port &&
              equals(node_at(d, annotations, "prometheus.io/port", NULL), pod.http_port),
          "Prometheus annotations: scrape, /metrics, the http port");
    check_security(&pod, spec, image_user);
    check_resources_and_probes(&pod);
    check_arguments(&pod, spec, config_map);
    return pod;
}

static void check_service(pod_facts *pod)
{
    yaml_file *f = object_of_kind("Service");
    if (!f || !pod->document)
        return;
    yaml_document_t *d = &f->document;
    yaml_node_t *root = yaml_document_get_root_node(d);
    CHECK(labels_within(d, node_at(d, root, "spec", "selector", NULL), pod->document, pod->pod_labels),
          "the Service selects the Deployment's pods");
    yaml_node_t *port = node_at(d, root, "spec", "ports", "[0]", NULL);
    const char *target = scalar(node_at(d, port, "targetPort", NULL));
    CHECK(target && (strcmp(target, "http") == 0 || (pod->http_port && strcmp(target, pod->http_port) == 0)),
          "the Service's targetPort is the pods' http port: %s", target ? target : "(none)");
}

static void check_disruption_budget(pod_facts *pod)
{
    yaml_file *f = object_of_kind("PodDisruptionBudget");
    if (!f || !pod->document || !pod->replicas)
        return;
    yaml_document_t *d = &f->document;
    yaml_node_t *root = yaml_document_get_root_node(d);
    CHECK(labels_within(d, node_at(d, root, "spec", "selector", "matchLabels", NULL), pod->document, pod->pod_labels),
          "the PodDisruptionBudget selects the Deployment's pods");
    const char *minimum = scalar(node_at(d, root, "spec", "minAvailable", NULL));
    /* minAvailable equal to the replicas would block every drain. */
    CHECK(minimum && atol(minimum) >= 1 && atol(minimum) < atol(pod->replicas),
          "minAvailable %s lets one of %s replicas go", minimum ? minimum : "(none)", pod->replicas);
}

static void check_autoscaler(pod_facts *pod)
{
    yaml_file *f = object_of_kind("HorizontalPodAutoscaler");
    if (!f || !pod->document || !pod->replicas)
        return;
    yaml_document_t *d = &f->document;
    yaml_node_t *root = yaml_document_get_root_node(d);
    yaml_node_t *target = node_at(d, root, "spec", "scaleTargetRef", NULL);
    CHECK(equals(node_at(d, target, "apiVersion", NULL), "apps/v1") &&
              equals(node_at(d, target, "kind", NULL), "Deployment") && pod->deployment_name &&
              equals(node_at(d, target, "name", NULL), pod->deployment_name),
          "the HPA scales the Deployment %s", pod->deployment_name ? pod->deployment_name : "(none)");
    const char *minimum = scalar(node_at(d, root, "spec", "minReplicas", NULL));
    const char *maximum = scalar(node_at(d, root, "spec", "maxReplicas", NULL));
    CHECK(minimum && strcmp(minimum, pod->replicas) == 0, "minReplicas is the Deployment's replicas");
    CHECK(minimum && maximum && atol(maximum) > atol(minimum), "maxReplicas above minReplicas");
    yaml_node_t *metric = node_at(d, root, "spec", "metrics", "[0]", NULL);
    const char *utilization = scalar(node_at(d, metric, "resource", "target", "averageUtilization", NULL));
    CHECK(equals(node_at(d, metric, "type", NULL), "Resource") &&
              equals(node_at(d, metric, "resource", "name", NULL), "cpu") &&
              equals(node_at(d, metric, "resource", "target", "type", NULL), "Utilization") && utilization &&
              atol(utilization) > 0 && atol(utilization) <= 100,
          "the HPA scales on CPU utilization");
}

/* ---- the ConfigMap's manifest, through serve --check ---- */

static char *read_text(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = length >= 0 ? calloc(1, (size_t)length + 1) : NULL;
    if (text && fread(text, 1, (size_t)length, file) != (size_t)length) {
        free(text);
        text = NULL;
    }
    fclose(file);
    return text;
}

/* `text` with every `from` replaced by `to` (malloc'd). */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t count = 0, from_length = strlen(from), to_length = strlen(to);
    for (const char *at = text; (at = strstr(at, from)) != NULL; at += from_length)
        count++;
    char *out = malloc(strlen(text) + count * to_length + 1), *end = out;
    if (!out)
        return NULL;
    for (const char *at; (at = strstr(text, from)) != NULL; text = at + from_length) {
        memcpy(end, text, (size_t)(at - text));
        end += at - text;
        memcpy(end, to, to_length);
        end += to_length;
    }
    strcpy(end, text);
    return out;
}

/* Runs `argv` with the Deployment's environment added; its exit status, what it printed in `output`. */
static int run(char *const *argv, pod_facts *pod, char *output, size_t output_size)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        yaml_document_t *d = pod->document;
        yaml_node_t *env = node_at(d, pod->container, "env", NULL);
        for (long i = 0; i < count_items(env); i++) {
            yaml_node_t *item = yaml_document_get_node(d, env->data.sequence.items.start[i]);
            const char *name = scalar(node_at(d, item, "name", NULL)), *value = scalar(node_at(d, item, "value", NULL));
            if (name && value)
                setenv(name, value, 1);
        }
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], argv);
        perror("exec");
        _exit(127);
    }
    close(fds[1]);
    size_t length = 0;
    ssize_t got;
    while (length + 1 < output_size && (got = read(fds[0], output + length, output_size - 1 - length)) > 0)
        length += (size_t)got;
    output[length] = '\0';
    close(fds[0]);
    int status = -1;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The ConfigMap holds the image's manifest, and serve --check accepts it with the Deployment's
 * own arguments and environment. The modules are in the image under /usr/share/wasmhost/, which
 * is the build's examples/ folder here (deploy/container/stage.sh copies them from there). */
static void check_manifest(pod_facts *pod, yaml_file *config_map, const char *container_manifest, const char *wasmhost,
                           const char *examples, const char *work)
{
    if (!pod->document || !config_map || !pod->manifest_path)
        return;
    char key[256], copy[4096];
    snprintf(copy, sizeof copy, "%s", pod->manifest_path);
    snprintf(key, sizeof key, "%s", basename(copy));
    yaml_document_t *cd = &config_map->document;
    const char *text = scalar(node_at(cd, yaml_document_get_root_node(cd), "data", key, NULL));
    char *image_text = read_text(container_manifest);
    CHECK(text && image_text && strcmp(text, image_text) == 0,
          "the ConfigMap's %s is the image's manifest (%s), byte for byte", key, container_manifest);
    if (!text)
        return;
    char folder[4200], path[4400], state[4400], output[8192];
    snprintf(folder, sizeof folder, "%s/", examples);
    char *local = replace_all(text, "/usr/share/wasmhost/", folder);
    snprintf(path, sizeof path, "%s/configmap-%s", work, key);
    snprintf(state, sizeof state, "%s/state", work);
    FILE *file = fopen(path, "w");
    CHECK(file && local && fputs(local, file) >= 0 && fclose(file) == 0, "cannot write %s", path);

    char *argv[64] = {(char *)wasmhost};
    int argc = 1;
    for (long i = 0; i < count_items(pod->args) && argc < 61; i++) {
        const char *arg = scalar(yaml_document_get_node(pod->document, pod->args->data.sequence.items.start[i]));
        if (arg && pod->state_path && strcmp(arg, pod->state_path) == 0)
            arg = state;
        else if (arg && strcmp(arg, pod->manifest_path) == 0)
            arg = path;
        argv[argc++] = (char *)arg;
        if (i == 0)
            argv[argc++] = "--check";
    }
    argv[argc] = NULL;
    int status = run(argv, pod, output, sizeof output);
    CHECK(status == 0 && strstr(output, ": OK: 3 services, 4 plugins, 1 pipelines"),
          "serve --check with the Deployment's arguments on the ConfigMap's manifest: exit %d\n%s", status, output);
    struct stat unused;
    CHECK(stat(state, &unused) != 0, "--check left --state %s alone", state);
    free(local);
    free(image_text);
}

/* The uid of the Containerfile's USER line (USER 65532:65532); 0 when there is none. */
static long image_user(const char *containerfile)
{
    char *text = read_text(containerfile);
    CHECK(text != NULL, "cannot read %s", containerfile);
    const char *line = text ? strstr(text, "\nUSER ") : NULL;
    long user = line ? atol(line + 6) : 0;
    free(text);
    return user;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: kubernetes_check KUBERNETES_DIR CONTAINER_MANIFEST CONTAINERFILE WASMHOST EXAMPLES_DIR "
                        "WORK\n");
        return 2;
    }
    const char *folder = argv[1], *container_manifest = argv[2], *containerfile = argv[3], *wasmhost = argv[4],
               *examples = argv[5], *work = argv[6];
    char command[4200];
    snprintf(command, sizeof command, "rm -rf '%s' && mkdir -p '%s'", work, work);
    CHECK(system(command) == 0, "cannot make %s", work);

    check_files(folder);
    check_api_versions();
    yaml_file *config_map = object_of_kind("ConfigMap");
    pod_facts pod = check_deployment(image_user(containerfile), config_map);
    check_service(&pod);
    check_disruption_budget(&pod);
    check_autoscaler(&pod);
    check_manifest(&pod, config_map, container_manifest, wasmhost, examples, work);
    for (size_t i = 0; i < file_count; i++)
        if (files[i].loaded)
            yaml_document_delete(&files[i].document);
    return checks_done("kubernetes_check");
}
