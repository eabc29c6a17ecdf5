/* workers.h: the worker threads that run guests, with a concurrency limit per service. */
#ifndef WH_WORKERS_H
#define WH_WORKERS_H

#include <stdbool.h>
#include <stddef.h>

#include "services.h"

typedef struct job {
    struct job *next;
    service *service;             /* whose concurrency limit it counts against; NULL: none */
    void (*run)(struct job *);    /* on a worker thread */
    void (*finish)(struct job *); /* after the service's slot is given back: frees the job */
} job;

typedef struct workers workers;

/* Starts `count` threads; NULL with a message in `error` when it cannot. */
workers *workers_start(unsigned count, char *error, size_t error_size);
/* Queues `job`: it runs as soon as a thread is free and its service runs fewer than its
 * concurrency limit; jobs of one service run in the order they came. */
void workers_submit(workers *workers, job *job);
/* Runs every job already queued, then stops and joins the threads and frees `workers`. */
void workers_stop(workers *workers);

#endif
