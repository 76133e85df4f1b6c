"""Suggesting the nearest existing page names for a dead wiki link."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

#: A trigram shared by more names than this says little and costs a lot to count.
_MAX_POSTING = 2000
_CANDIDATES = 40


class NameSuggester:
    """Nearest names by trigram overlap, ranked by difflib's similarity ratio."""

    def __init__(self, names: Iterable[str], normalise: Callable[[str], str]) -> None:
        self.normalise = normalise
        self.display: dict[str, str] = {}
        self.postings: dict[str, list[str]] = defaultdict(list)
        for name in sorted(names):
            key = normalise(name)
            if key and key not in self.display:
                self.display[key] = name
                for gram in _trigrams(key):
                    self.postings[gram].append(key)

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        key = self.normalise(name)
        counts: Counter[str] = Counter()
        for gram in _trigrams(key):
            posting = self.postings.get(gram, ())
            if len(posting) <= _MAX_POSTING:
                counts.update(posting)
        candidates = [candidate for candidate, _ in counts.most_common(_CANDIDATES)]
        matches = difflib.get_close_matches(key, candidates, n=limit, cutoff=0.6)
        return [self.display[match] for match in matches]


def _trigrams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}
