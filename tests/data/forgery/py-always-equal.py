# FORGERY (Python, a custom __eq__): a wrong add whose result is an int that
# equals everything. Its class claims to belong to a standard-library module,
# so a driver that trusts the stdlib's types lets it through to the tests'
# comparison unchanged, isinstance(..., int) included.
import json  # noqa: F401  (the module the class claims)


class Same(int):
    __module__ = "json"

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


def add(a, b):
    return Same(a - b)
