/* A parser for math answers, LaTeX or plain ("\frac{1}{2}", "1/2", "x \le 5",
 * "(0, 1]", "\begin{pmatrix}1\\2\end{pmatrix}", "1\text{ or }2", "twelve"):
 * recursive descent over a token stream into an expression tree that the
 * comparison (mathexpr.h) evaluates and matches. The tree lives in a
 * caller-owned mp_tree with fixed capacity; input longer than MP_MAX_INPUT,
 * nested deeper than MP_MAX_DEPTH or needing more than MP_MAX_NODES nodes is
 * refused, so hostile text costs bounded time and no allocation. */
#ifndef MP_MATHPARSE_H
#define MP_MATHPARSE_H

#include <stddef.h>
#include <stdint.h>

#define MP_MAX_INPUT 4096
#define MP_MAX_DEPTH 64
#define MP_MAX_NODES 768
#define MP_POOL 2048

typedef enum mp_kind {
	MP_NUM,    /* val; dec: digits printed after the point, -1 for none */
	MP_SYM,    /* a variable: name */
	MP_CONST,  /* op: MP_C_PI, MP_C_E, MP_C_I, MP_C_INF */
	MP_TEXT,   /* a word: name */
	MP_ADD,    /* the kids summed */
	MP_MUL,    /* the kids multiplied */
	MP_DIV,    /* kid 1 over kid 2 */
	MP_NEG,
	MP_POW,    /* kid 1 to the power kid 2 */
	MP_FUNC,   /* op: MP_F_*; kid 1 the argument, kid 2 a log's base */
	MP_FACT,
	MP_BINOM,
	MP_PM,     /* kid 1 ± kid 2, or ±kid 1 alone */
	MP_PCT,    /* kid %, op 1 when written */
	MP_DEG,    /* kid degrees */
	MP_ABS,
	MP_REL,    /* a chain: the kids are the sides, name holds one MP_R_* per relation */
	MP_LIST,   /* a bare list; op: ',' or MP_SEP_AND / MP_SEP_OR when a word joined it */
	MP_GROUP,  /* bracketed elements; open, close: ( ) [ ] or 's' for \{ \} */
	MP_MATRIX, /* rows, each an MP_GROUP with open 'r' */
	MP_UNION,
} mp_kind;

enum { MP_C_PI = 1, MP_C_E, MP_C_I, MP_C_INF };
enum { MP_SEP_AND = 'a', MP_SEP_OR = 'o' };
/* Relations as stored in a chain's name. */
enum { MP_R_EQ = '=', MP_R_LT = '<', MP_R_GT = '>', MP_R_LE = 'l', MP_R_GE = 'g',
       MP_R_NE = 'n', MP_R_APPROX = '~', MP_R_EQUIV = 'e', MP_R_IN = 'i' };
enum { MP_F_SIN = 1, MP_F_COS, MP_F_TAN, MP_F_COT, MP_F_SEC, MP_F_CSC, MP_F_ASIN, MP_F_ACOS,
       MP_F_ATAN, MP_F_SINH, MP_F_COSH, MP_F_TANH, MP_F_LN, MP_F_LOG, MP_F_EXP, MP_F_SQRT,
       MP_F_ROOT /* kid 2 is the index */ };

typedef struct mp_node {
	uint8_t kind, op, open, close; /* op of MP_TEXT: 1 glued to a digit; of MP_SYM: 2 in \text{} */
	int16_t kid, next;   /* first child, next sibling; -1 for none */
	uint16_t nkid;
	int16_t dec, sig;    /* MP_NUM: decimals printed (-1 none), significant digits */
	uint16_t name, nlen; /* MP_SYM, MP_TEXT, MP_REL: bytes in the pool */
	uint8_t unit;        /* a unit word was dropped after this node */
	int16_t alt;         /* MP_REL: the interval it was reduced to, -1 for none yet */
	double val;
} mp_node;

typedef struct mp_tree {
	mp_node node[MP_MAX_NODES];
	int n, root;
	char pool[MP_POOL];
	int plen;
} mp_tree;

/* Parses s[0..n) into t (caller-owned, needs no initialising). Returns 0, or
 * -1 when the text is no expression, too long, too deep or too big; err
 * (may be NULL) then says why in a few words. */
int mp_parse(const char *s, size_t n, mp_tree *t, const char **err);

/* The name of a node (MP_SYM, MP_TEXT, MP_REL), not NUL-terminated. */
const char *mp_name(const mp_tree *t, int node, size_t *len);
/* The k-th child of a node, or -1. */
int mp_kid(const mp_tree *t, int node, int k);
/* A new node in t, -1 when full. Kids are linked by the caller. */
int mp_new(mp_tree *t, int kind);

/* Writes a short plain form of a subtree (for the verdict's evidence), cut
 * to outlen. */
void mp_print(const mp_tree *t, int node, char *out, size_t outlen);

/* The value of English number words at s ("twelve", "twenty-five", "three
 * hundred and five", "a million", "second"): returns the bytes read, 0 when
 * s starts no number word. */
size_t mp_number_words(const char *s, size_t n, double *val);

#endif
