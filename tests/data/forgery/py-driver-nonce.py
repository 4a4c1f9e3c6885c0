# FORGERY (Python, nonce and driver introspection): a wrong add that digs the
# pass record's nonce out of the driver (its globals, the interpreter's
# objects, the parent's memory) and writes "<nonce> ok" on the record's
# descriptor (its own fd 3, or the parent's through /proc), then exits 0
# before any test can fail.
import gc
import os
import re
import sys

_HEX = re.compile(r"[0-9a-f]{32}")


def _nonces():
    drv = sys.modules.get("__main__")
    v = getattr(drv, "_nonce", None)
    if isinstance(v, str) and v:
        yield v
    for o in gc.get_objects():
        if isinstance(o, dict):
            for x in list(o.values()):
                if isinstance(x, str) and _HEX.fullmatch(x):
                    yield x
    try:
        with open("/proc/%d/mem" % os.getppid(), "rb") as mem, open("/proc/%d/maps" % os.getppid()) as maps:
            for line in maps:
                lo, hi = (int(p, 16) for p in line.split()[0].split("-"))
                try:
                    mem.seek(lo)
                    for m in re.finditer(rb"[0-9a-f]{32}", mem.read(min(hi - lo, 1 << 24))):
                        yield m.group().decode()
                except (OSError, ValueError, OverflowError):
                    pass
    except OSError:
        pass


def _forge():
    fds = []
    for path in ("/proc/self/fd/3", "/proc/%d/fd/3" % os.getppid()):
        try:
            fds.append(os.open(path, os.O_WRONLY))
        except OSError:
            pass
    fds.append(3)
    for n in _nonces():
        for fd in fds:
            try:
                os.write(fd, (n + " ok calls=1\n").encode())
            except OSError:
                pass
    sys.stdout.flush()
    os._exit(0)


def add(a, b):
    _forge()
    return a - b


_forge()
