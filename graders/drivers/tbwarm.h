/* tbwarm.so (graders/drivers/tbwarm.c), embedded: the build compiles it on
 * its own and cmake/embed.cmake writes its bytes into the build tree. The
 * warm sandbox writes it into each sandbox for the zygote to load. */
#ifndef GR_TBWARM_H
#define GR_TBWARM_H

#include <stddef.h>

extern const unsigned char tb_warm_so[];
extern const size_t tb_warm_so_len;

#endif
