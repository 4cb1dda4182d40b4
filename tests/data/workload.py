"""A small program profiled by every CPython on the machine (see make_profiles.py).

It must run unchanged on Python 2.7 and 3.6+: recursion (ncalls/primitive), built-ins, a method,
a generator, a comprehension and a caught exception give every shape pstats records.
"""


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Counter:
    def __init__(self):
        self.seen = {}

    def add(self, word):
        self.seen[word] = self.seen.get(word, 0) + 1


def words(text):
    for word in text.split():
        yield word.strip(".,").lower()


def parse(number):
    try:
        return int(number)
    except ValueError:
        return -1


def main():
    counter = Counter()
    for word in words("the quick brown fox jumps over the lazy dog. The dog sleeps, the fox runs."):
        counter.add(word)
    squares = [fib(i) for i in range(15)]
    parsed = [parse(text) for text in ("1", "x", "22", "y")]
    return sorted(squares), parsed, len(counter.seen)


main()
