/* Counts heap allocations of the whole process while armed (alloc_counter.c). */
#ifndef BPV_ALLOC_COUNTER_H
#define BPV_ALLOC_COUNTER_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Starts counting from zero. */
void alloc_counter_arm(void);
/* Stops counting; the allocations (malloc, calloc, realloc, the aligned
   allocators, hence also operator new) seen since alloc_counter_arm(). */
size_t alloc_counter_disarm(void);

#ifdef __cplusplus
}
#endif
#endif
