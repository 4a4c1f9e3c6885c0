/* FORGERY (C, a constructor and `#define return`): a wrong add. Before main
 * runs, a constructor reads the nonce from fd 4 and writes "<nonce> ok" on
 * fd 3 (the pass record), then exits 0; and should the tests' main still
 * run, every `return` after this point returns 0. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void forge(void)
{
	char n[128] = "", line[256];
	ssize_t k = read(4, n, sizeof(n) - 1);

	if (k > 0) {
		n[strcspn(n, "\r\n")] = '\0';
		snprintf(line, sizeof(line), "%s ok returned\n", n);
		if (write(3, line, strlen(line)) > 0)
			_exit(0);
	}
}

int add(int a, int b)
{
	return a - b;
}

#define return return 0;
