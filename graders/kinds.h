/* The grader kinds the registry knows. Each lives in its own file. */
#ifndef GR_KINDS_H
#define GR_KINDS_H

#include "grader.h"

extern const gr_ops gr_regex_ops;
extern const gr_ops gr_numeric_ops;
extern const gr_ops gr_math_ops;
extern const gr_ops gr_choice_ops;
extern const gr_ops gr_exec_ops;

#endif
