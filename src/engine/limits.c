/* limits.c: store limits: memory and table caps, stack size, fuel, deadlines (the epoch timer thread), interruption. */
#include "limits.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Atomic uint64_t eng_limits_epoch;

/* ---- the epoch timer ----
 *
 * One thread for the whole process publishes eng_limits_epoch, the number of ENG_EPOCH_TICK_NS ticks
 * since the timer started. It does not tick: it sleeps until the earliest deadline that has not
 * yet fallen due (or, with none, until one is set), then publishes the epoch, raises the stop
 * flag of every store whose deadline it has reached, and looks again. Deadlines are epochs
 * computed from the clock when they are set, rounded up, so a deadline never fires early, and
 * fires as soon as the thread wakes. Stores with a deadline are in a list of their eng_interrupt
 * objects; limits_lock guards it, and the objects' store pointers. */

static pthread_mutex_t limits_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_wake; /* on CLOCK_MONOTONIC; initialised with the thread */
static bool timer_started;
static eng_interrupt *armed_list; /* stores with a deadline */
static uint64_t timer_origin_ns;  /* CLOCK_MONOTONIC at epoch 0; set once, under limits_lock */
/* The epoch the timer sleeps until. A new deadline wakes it only when it falls earlier, so that
 * setting one (once per request in a server) rarely costs a wake-up: with nothing armed the timer
 * still wakes every second, and any deadline past that needs no signal. */
static uint64_t timer_wakes_at;
#define TIMER_IDLE_TICKS (1000000000u / ENG_EPOCH_TICK_NS)

static uint64_t monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static uint64_t current_epoch(void) { return (monotonic_ns() - timer_origin_ns) / ENG_EPOCH_TICK_NS; }

/* Publishes the epoch and raises the flag of each store whose deadline it reached; returns the
 * earliest deadline still to come (UINT64_MAX: none). Called with limits_lock held. */
static uint64_t fire_due_deadlines(void)
{
    uint64_t epoch = current_epoch();
    atomic_store(&eng_limits_epoch, epoch);
    uint64_t next = UINT64_MAX;
    for (eng_interrupt *armed = armed_list; armed; armed = armed->next_armed) {
        if (armed->fired)
            continue;
        if (armed->due <= epoch) {
            armed->fired = true;
            if (armed->store)
                atomic_store(&armed->store->stop, 1);
        } else if (armed->due < next) {
            next = armed->due;
        }
    }
    return next;
}

static void *timer_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&limits_lock);
    for (;;) {
        uint64_t next = fire_due_deadlines();
        uint64_t idle = atomic_load(&eng_limits_epoch) + TIMER_IDLE_TICKS;
        timer_wakes_at = next < idle ? next : idle;
        uint64_t wake = timer_origin_ns + timer_wakes_at * ENG_EPOCH_TICK_NS;
        struct timespec until = {(time_t)(wake / 1000000000u), (long)(wake % 1000000000u)};
        pthread_cond_timedwait(&timer_wake, &limits_lock, &until);
    }
    return NULL;
}

/* Starts the thread if needed; call with limits_lock held. False when it cannot be started. */
static bool timer_start(void)
{
    if (timer_started)
        return true;
    timer_origin_ns = monotonic_ns();
    atomic_store(&eng_limits_epoch, 0);
    pthread_condattr_t condition_attributes;
    pthread_condattr_init(&condition_attributes);
    pthread_condattr_setclock(&condition_attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&timer_wake, &condition_attributes);
    pthread_condattr_destroy(&condition_attributes);
    /* The thread takes no signals: they stay with the threads that expect them. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    pthread_t thread;
    timer_started = pthread_create(&thread, &attributes, timer_main, NULL) == 0;
    pthread_attr_destroy(&attributes);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (!timer_started)
        pthread_cond_destroy(&timer_wake);
    return timer_started;
}

/* Lowers the stop flag unless an interrupt is pending (in that order, so that an interrupt
 * arriving meanwhile keeps it up). */
static void lower_stop_flag(eng_store *store)
{
    atomic_store(&store->stop, 0);
    if (atomic_load(&store->interrupt_requested))
        atomic_store(&store->stop, 1);
}

static void timer_disarm(eng_interrupt *interrupt)
{
    if (interrupt->armed) {
        if (interrupt->previous_armed)
            interrupt->previous_armed->next_armed = interrupt->next_armed;
        else
            armed_list = interrupt->next_armed;
        if (interrupt->next_armed)
            interrupt->next_armed->previous_armed = interrupt->previous_armed;
        interrupt->armed = false;
    }
}

uint64_t eng_engine_epoch(void) { return atomic_load_explicit(&eng_limits_epoch, memory_order_relaxed); }

/* ---- per store ---- */

void eng_store_limits_default(eng_store_limits *out)
{
    out->max_memory_bytes = ENG_DEFAULT_MAX_MEMORY_BYTES;
    out->max_instance_memory_bytes = ENG_DEFAULT_MAX_MEMORY_BYTES;
    out->max_table_elements = ENG_DEFAULT_MAX_TABLE_ELEMENTS;
    out->max_stack_bytes = ENG_DEFAULT_MAX_STACK_BYTES;
    out->max_host_nesting = ENG_DEFAULT_MAX_HOST_NESTING;
}

bool eng_limits_store_init(eng_store *store)
{
    eng_store_limits_default(&store->limits);
    store->fuel = INT64_MAX;
    store->fuel_enabled = false;
    store->deadline_epoch = UINT64_MAX;
    atomic_init(&store->stop, 0);
    atomic_init(&store->interrupt_requested, 0);
    store->interrupt = calloc(1, sizeof *store->interrupt);
    if (!store->interrupt)
        return false;
    atomic_init(&store->interrupt->references, 1);
    store->interrupt->store = store;
    return true;
}

void eng_limits_store_free(eng_store *store)
{
    if (!store->interrupt)
        return;
    /* After this, neither the timer nor an interrupt handle reaches the store. */
    pthread_mutex_lock(&limits_lock);
    timer_disarm(store->interrupt);
    store->interrupt->store = NULL;
    pthread_mutex_unlock(&limits_lock);
    eng_interrupt_handle_free(store->interrupt);
    store->interrupt = NULL;
}

eng_error *eng_store_set_limits(eng_store *store, const eng_store_limits *limits)
{
    if (limits->max_stack_bytes < ENG_MIN_STACK_BYTES || limits->max_stack_bytes > ENG_MAX_STACK_BYTES)
        return eng_error_new("stack limit of %llu bytes: it must be between %u bytes and %llu bytes (4 GiB)",
                             (unsigned long long)limits->max_stack_bytes, ENG_MIN_STACK_BYTES,
                             (unsigned long long)ENG_MAX_STACK_BYTES);
    if (limits->max_stack_bytes != store->limits.max_stack_bytes) {
        if (store->frame_depth != 0 || store->stack_top != store->stack)
            return eng_error_new("the stack limit cannot change while a call runs in the store");
        if (!eng_store_allocate_stack(store, limits->max_stack_bytes))
            return eng_error_new("cannot reserve a stack of %llu bytes (out of memory or address space)",
                                 (unsigned long long)limits->max_stack_bytes);
    }
    store->limits = *limits;
    return NULL;
}

void eng_store_get_limits(const eng_store *store, eng_store_limits *out) { *out = store->limits; }

/* ---- memory, tables, stack ---- */

static void record(eng_store *store, eng_limit_kind kind, bool grow, uint64_t limit, uint64_t requested,
                   uint64_t in_use)
{
    uint64_t count = store->last_limit.kind == kind ? store->last_limit.count + 1 : 1;
    store->last_limit = (eng_limit_event){kind, grow, limit, requested, in_use, count};
}

bool eng_limits_memory_fits(eng_store *store, uint64_t more, bool grow)
{
    uint64_t cap = store->limits.max_memory_bytes, used = store->memory_bytes;
    if (used <= cap && more <= cap - used)
        return true;
    record(store, ENG_LIMIT_MEMORY, grow, cap, more, used);
    return false;
}

bool eng_limits_table_fits(eng_store *store, uint64_t more, bool grow)
{
    uint64_t cap = store->limits.max_table_elements, used = store->table_elements;
    if (used <= cap && more <= cap - used)
        return true;
    record(store, ENG_LIMIT_TABLE, grow, cap, more, used);
    return false;
}

/* The bytes of the memories `instance` defines (those made so far), not of those it imports. */
static uint64_t instance_memory_bytes(const eng_instance *instance)
{
    const eng_module *module = instance->module;
    uint64_t bytes = 0;
    for (uint32_t i = module->imported_memory_count; i < module->memory_count; i++)
        if (instance->memories[i])
            bytes += instance->memories[i]->size;
    return bytes;
}

bool eng_limits_instance_memory_fits(eng_instance *instance, uint64_t more, bool grow)
{
    eng_store *store = instance->store;
    uint64_t cap = store->limits.max_instance_memory_bytes, used = instance_memory_bytes(instance);
    if (used <= cap && more <= cap - used)
        return true;
    record(store, ENG_LIMIT_MEMORY, grow, cap, more, used);
    return false;
}

eng_error *eng_limits_instance_memory_check(eng_instance *instance, const eng_memtype *type)
{
    if (type->limits.min > ENG_MAX_PAGES) /* eng_memory_new says why */
        return NULL;
    uint64_t size = type->limits.min * ENG_PAGE_SIZE;
    if (eng_limits_instance_memory_fits(instance, size, false))
        return NULL;
    const eng_limit_event *event = &instance->store->last_limit;
    if (event->in_use)
        return eng_error_new("memory cap per instance %llu bytes exceeded: module needs %llu more (%llu in its "
                             "other memories)",
                             (unsigned long long)event->limit, (unsigned long long)size,
                             (unsigned long long)event->in_use);
    return eng_error_new("memory cap per instance %llu bytes exceeded: module needs %llu",
                         (unsigned long long)event->limit, (unsigned long long)size);
}

void eng_limits_stack_exhausted(eng_store *store)
{
    record(store, ENG_LIMIT_STACK, false, store->limits.max_stack_bytes, 0, 0);
}

const eng_limit_event *eng_store_last_limit(const eng_store *store) { return &store->last_limit; }

void eng_store_clear_limit_event(eng_store *store) { memset(&store->last_limit, 0, sizeof store->last_limit); }

/* ---- fuel ---- */

void eng_store_set_fuel(eng_store *store, uint64_t fuel)
{
    store->fuel_enabled = true;
    store->fuel = fuel > INT64_MAX ? INT64_MAX : (int64_t)fuel;
    store->fuel_budget = fuel;
    store->required_checks |= ENG_CHECK_FUEL;
}

bool eng_store_add_fuel(eng_store *store, uint64_t fuel)
{
    if (!store->fuel_enabled)
        return false;
    uint64_t remaining = store->fuel < 0 ? 0 : (uint64_t)store->fuel;
    store->fuel = fuel > (uint64_t)INT64_MAX - remaining ? INT64_MAX : (int64_t)(remaining + fuel);
    store->fuel_budget = fuel > UINT64_MAX - store->fuel_budget ? UINT64_MAX : store->fuel_budget + fuel;
    return true;
}

bool eng_store_get_fuel(const eng_store *store, uint64_t *remaining)
{
    if (!store->fuel_enabled)
        return false;
    *remaining = store->fuel < 0 ? 0 : (uint64_t)store->fuel;
    return true;
}

void eng_store_disable_fuel(eng_store *store)
{
    store->fuel_enabled = false;
    store->fuel = INT64_MAX;
    store->required_checks &= ~ENG_CHECK_FUEL;
}

/* ---- deadlines and interruption ---- */

void eng_store_set_deadline(eng_store *store, uint64_t timeout_ns)
{
    eng_interrupt *interrupt = store->interrupt;
    pthread_mutex_lock(&limits_lock);
    /* Without the timer thread time would never pass: the deadline is then due at once (the
     * caller asked for a bound). Otherwise rounded up: the epoch reaches it only once the
     * timeout has fully elapsed. */
    uint64_t due = 0;
    if (timer_start() && timeout_ns) {
        uint64_t elapsed = monotonic_ns() - timer_origin_ns;
        uint64_t total = timeout_ns > UINT64_MAX / 2 - elapsed ? UINT64_MAX / 2 : elapsed + timeout_ns;
        due = total / ENG_EPOCH_TICK_NS + (total % ENG_EPOCH_TICK_NS != 0);
    }
    store->deadline_epoch = due;
    store->required_checks |= ENG_CHECK_EPOCH;
    interrupt->due = due;
    interrupt->fired = false;
    if (!interrupt->armed) {
        interrupt->armed = true;
        interrupt->previous_armed = NULL;
        interrupt->next_armed = armed_list;
        if (armed_list)
            armed_list->previous_armed = interrupt;
        armed_list = interrupt;
    }
    lower_stop_flag(store); /* the previous deadline's, if it had passed */
    if (timer_started) {
        fire_due_deadlines(); /* a deadline due already is raised now */
        if (due < timer_wakes_at) {
            timer_wakes_at = due;
            pthread_cond_signal(&timer_wake);
        }
    } else {
        interrupt->fired = true;
        atomic_store(&store->stop, 1);
    }
    pthread_mutex_unlock(&limits_lock);
}

void eng_store_clear_deadline(eng_store *store)
{
    pthread_mutex_lock(&limits_lock);
    timer_disarm(store->interrupt);
    store->deadline_epoch = UINT64_MAX;
    store->required_checks &= ~ENG_CHECK_EPOCH;
    lower_stop_flag(store);
    pthread_mutex_unlock(&limits_lock);
}

bool eng_store_deadline_passed(const eng_store *store)
{
    return store->deadline_epoch != UINT64_MAX && eng_engine_epoch() >= store->deadline_epoch;
}

void eng_store_interrupt(eng_store *store)
{
    /* Request first, then the flag: whoever sees the flag finds the request. */
    atomic_store(&store->interrupt_requested, 1);
    atomic_store(&store->stop, 1);
}

void eng_interrupt_handle_interrupt(eng_interrupt *handle)
{
    pthread_mutex_lock(&limits_lock);
    if (handle->store)
        eng_store_interrupt(handle->store);
    pthread_mutex_unlock(&limits_lock);
}

eng_interrupt *eng_store_interrupt_handle(eng_store *store)
{
    atomic_fetch_add(&store->interrupt->references, 1);
    return store->interrupt;
}

void eng_interrupt_handle_free(eng_interrupt *handle)
{
    if (handle && atomic_fetch_sub(&handle->references, 1) == 1)
        free(handle);
}

eng_limit_check eng_limits_check(eng_store *store, int64_t fuel, uint32_t cost)
{
    eng_limit_check result = {fuel, -1};
    if (fuel < 0) {
        if (!store->fuel_enabled) {
            result.fuel = INT64_MAX; /* not metering: the count only ran down, start again */
        } else {
            /* The block that did not fit is not run, nor charged. */
            result.fuel = fuel + cost;
            record(store, ENG_LIMIT_FUEL, false, store->fuel_budget, cost, 0);
            result.trap = ENG_TRAP_FUEL_EXHAUSTED;
            return result;
        }
    }
    if (atomic_load(&store->stop)) {
        /* Lower the flag, then take the request: an interrupt arriving in between raises it
         * again, and is seen at the next check. The timer publishes the epoch before raising
         * the flag, so a deadline it fired is seen as passed here. */
        atomic_store(&store->stop, 0);
        bool interrupted = atomic_exchange(&store->interrupt_requested, 0) != 0;
        bool passed = store->deadline_epoch != UINT64_MAX && atomic_load(&eng_limits_epoch) >= store->deadline_epoch;
        if (passed)
            atomic_store(&store->stop, 1); /* a passed deadline stays passed */
        if (interrupted) {
            record(store, ENG_LIMIT_INTERRUPT, false, 0, 0, 0);
            result.trap = ENG_TRAP_INTERRUPTED;
        } else if (passed) {
            record(store, ENG_LIMIT_DEADLINE, false, store->deadline_epoch, 0, 0);
            result.trap = ENG_TRAP_DEADLINE_EXCEEDED;
        }
    }
    return result;
}
