"""Suggesting the nearest existing page names for a dead wiki link."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

#: A trigram shared by more names than this says little and costs a lot to count.
_MAX_POSTING = 2000
_CANDIDATES = 10
#: Share of the shorter name's trigrams two names must have in common. Fewer
#: rarely reach difflib's 0.6 ratio, and skipping them keeps runs with many
#: dead links fast.
_MIN_SHARED = 0.5


class NameSuggester:
    """Nearest names by trigram overlap, ranked by difflib's similarity ratio."""

    def __init__(self, names: Iterable[str], normalise: Callable[[str], str]) -> None:
        self.normalise = normalise
        self.display: dict[str, str] = {}
        self.gram_counts: dict[str, int] = {}
        self.postings: dict[str, list[str]] = defaultdict(list)
        for name in sorted(names):
            key = normalise(name)
            if key and key not in self.display:
                self.display[key] = name
                grams = _trigrams(key)
                self.gram_counts[key] = len(grams)
                for gram in grams:
                    self.postings[gram].append(key)

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        key = self.normalise(name)
        counts: Counter[str] = Counter()
        grams = _trigrams(key)
        for gram in grams:
            posting = self.postings.get(gram, ())
            if len(posting) <= _MAX_POSTING:
                counts.update(posting)
        candidates = [
            candidate
            for candidate, shared in counts.most_common(_CANDIDATES)
            if shared >= _MIN_SHARED * min(len(grams), self.gram_counts[candidate])
        ]
        matches = difflib.get_close_matches(key, candidates, n=limit, cutoff=0.6)
        return [self.display[match] for match in matches]


def _trigrams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}
