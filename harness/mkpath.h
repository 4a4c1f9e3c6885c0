/* Folders made on the way to a path the user gave (mkdir -p). */
#ifndef TB_MKPATH_H
#define TB_MKPATH_H

#include <stddef.h>
#include <sys/types.h>

/* Makes the folder dir and every missing folder above it with mode (less the
 * umask); a folder already there is fine. On failure err names dir as given
 * and the part that could not be made. */
int tb_mkpath(const char *dir, mode_t mode, char *err, size_t errlen);

/* Makes the folders above the file path (nothing for a bare file name). */
int tb_mkpath_parent(const char *path, mode_t mode, char *err, size_t errlen);

#endif
