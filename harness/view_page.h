/* The viewer's page, script and style, compiled into the program: the page
 * loads nothing from anywhere but its own server. */
#ifndef TB_VIEW_PAGE_H
#define TB_VIEW_PAGE_H

#include "buf.h"

/* Appends the HTML page, whose links carry token (hex digits only). */
int view_page_html(tb_buf *out, const char *token);
extern const char view_page_js[];
extern const char view_page_css[];

#endif
