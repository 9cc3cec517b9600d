"""Command lines shown in logs and errors, quoted for a POSIX shell as shlex.join does."""

from __future__ import annotations

from collections.abc import Sequence

# shlex.quote's safe characters (\w in ASCII, @%+=:,./-): such words need no quotes.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")


def join(argv: Sequence[str]) -> str:
    """shlex.join(argv): a copy-pasteable command line. shlex (and its regular expression)
    is imported only when a word needs quoting, which most command lines never do."""
    if all(word and _PLAIN.issuperset(word) for word in argv):
        return " ".join(argv)
    import shlex

    return shlex.join(argv)
