/* workers.c: the worker threads that run guests, with a concurrency limit per service. */
#include "workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One queue of jobs that may run now; a service at its limit parks further jobs in its own
 * queue (service.waiting_*), and each job that ends moves the next of its service over. So a
 * service whose guests are slow (e.g. looping until their deadline) holds at most its limit of
 * threads, and the other services keep the rest. */
struct workers {
    pthread_mutex_t lock;
    pthread_cond_t ready_or_stopping;
    job *ready_first, *ready_last;
    bool stopping;
    pthread_t *threads;
    unsigned thread_count;
};

static void ready_push(workers *w, job *j)
{
    j->next = NULL;
    if (w->ready_last)
        w->ready_last->next = j;
    else
        w->ready_first = j;
    w->ready_last = j;
    pthread_cond_signal(&w->ready_or_stopping);
}

static void *worker_main(void *argument)
{
    workers *w = argument;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->ready_first && !w->stopping)
            pthread_cond_wait(&w->ready_or_stopping, &w->lock);
        job *j = w->ready_first;
        if (!j)
            break; /* stopping, and nothing left that may run */
        w->ready_first = j->next;
        if (!w->ready_first)
            w->ready_last = NULL;
        pthread_mutex_unlock(&w->lock);

        j->run(j);

        pthread_mutex_lock(&w->lock);
        service *s = j->service;
        if (s) {
            s->running--;
            job *next = s->waiting_first;
            if (next) {
                s->waiting_first = next->next;
                if (!s->waiting_first)
                    s->waiting_last = NULL;
                atomic_fetch_sub_explicit(&s->metrics->queued, 1, memory_order_relaxed);
                s->running++;
                ready_push(w, next);
            }
        }
        pthread_mutex_unlock(&w->lock);
        j->finish(j);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

workers *workers_start(unsigned count, char *error, size_t error_size)
{
    workers *w = calloc(1, sizeof *w);
    if (!w || !(w->threads = calloc(count, sizeof *w->threads))) {
        free(w);
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->ready_or_stopping, NULL);
    for (; w->thread_count < count; w->thread_count++) {
        int failed = pthread_create(&w->threads[w->thread_count], NULL, worker_main, w);
        if (failed) {
            snprintf(error, error_size, "cannot start worker thread %u: %s", w->thread_count + 1, strerror(failed));
            workers_stop(w);
            return NULL;
        }
    }
    return w;
}

void workers_submit(workers *w, job *j)
{
    pthread_mutex_lock(&w->lock);
    service *s = j->service;
    if (s && s->running >= s->concurrency) {
        j->next = NULL;
        if (s->waiting_last)
            s->waiting_last->next = j;
        else
            s->waiting_first = j;
        s->waiting_last = j;
        atomic_fetch_add_explicit(&s->metrics->queued, 1, memory_order_relaxed);
    } else {
        if (s)
            s->running++;
        ready_push(w, j);
    }
    pthread_mutex_unlock(&w->lock);
}

void workers_stop(workers *w)
{
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_broadcast(&w->ready_or_stopping);
    pthread_mutex_unlock(&w->lock);
    /* A thread leaves only when the ready queue is empty; parked jobs move to it as the jobs
     * of their service end, and the last thread to leave finds none (each thread drains). */
    for (unsigned i = 0; i < w->thread_count; i++)
        pthread_join(w->threads[i], NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->ready_or_stopping);
    free(w->threads);
    free(w);
}
