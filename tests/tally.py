"""The pass/fail count the Python script tests share (tests/aws, tests/serve).

Each check prints a FAIL line with what it got and what it wanted; finish()
prints 'N passed, N failed' and exits 1 when any check failed."""
import sys


class Tally:
    """Counts checks; finish() prints the 'N passed, N failed' line and exits."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s\n  got:  %r\n  want: %r" % (what, got, want), flush=True)

    def ok(self, what, cond, detail=""):
        """A check that cond is true; detail is shown when it is not."""
        self.check(what + (" (%s)" % detail if detail and not cond else ""), bool(cond), True)

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)
