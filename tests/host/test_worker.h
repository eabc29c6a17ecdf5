/* test_worker.h: a worker thread for the server tests: answers from outside the loops, in order, optionally delayed. */
#ifndef WASMHOST_TEST_WORKER_H
#define WASMHOST_TEST_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "server.h"
#include "test_support.h"

/* The answer the worker gives: each test defines it. */
static void echo_response(const http_request *request, http_response *response);

typedef struct job {
    server_exchange *exchange;
    http_request *request;
    long delay_ms;
    struct job *next;
} job;

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_ready = PTHREAD_COND_INITIALIZER;
static job *jobs_first, *jobs_last;
static bool jobs_stop;

static void *worker_main(void *argument)
{
    (void)argument;
    for (;;) {
        pthread_mutex_lock(&jobs_lock);
        while (!jobs_first && !jobs_stop)
            pthread_cond_wait(&jobs_ready, &jobs_lock);
        job *j = jobs_first;
        if (!j) {
            pthread_mutex_unlock(&jobs_lock);
            return NULL;
        }
        jobs_first = j->next;
        if (!jobs_first)
            jobs_last = NULL;
        pthread_mutex_unlock(&jobs_lock);
        if (j->delay_ms)
            sleep_ms(j->delay_ms);
        http_response response;
        echo_response(j->request, &response);
        server_respond(j->exchange, &response, false);
        free(j);
    }
}

/* Queues a request for the worker; it answers with echo_response after delay_ms. */
static void submit(server_exchange *exchange, http_request *request, long delay_ms)
{
    job *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->exchange = exchange;
    j->request = request;
    j->delay_ms = delay_ms;
    pthread_mutex_lock(&jobs_lock);
    if (jobs_last)
        jobs_last->next = j;
    else
        jobs_first = j;
    jobs_last = j;
    pthread_cond_signal(&jobs_ready);
    pthread_mutex_unlock(&jobs_lock);
}

static void worker_start(pthread_t *worker) { pthread_create(worker, NULL, worker_main, NULL); }

/* Lets the worker finish the queued jobs, then joins it. */
static void worker_stop(pthread_t worker)
{
    pthread_mutex_lock(&jobs_lock);
    jobs_stop = true;
    pthread_cond_signal(&jobs_ready);
    pthread_mutex_unlock(&jobs_lock);
    pthread_join(worker, NULL);
}

#endif
