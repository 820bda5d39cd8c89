import re
from collections import Counter

WORD = re.compile(r"[a-z0-9]{3,}")


def tokenize(text):
    return dict(Counter(WORD.findall(text.lower())))
