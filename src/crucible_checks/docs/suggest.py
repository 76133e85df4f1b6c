"""Suggesting the nearest existing page names for a dead wiki link."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

#: A trigram shared by more names than this says little and costs a lot to count.
_MAX_POSTING = 2000
#: Trigrams shared by more names than this are not counted name by name: a
#: set of their names is intersected with the names the rarer trigrams found.
_COMMON_POSTING = 200
_CANDIDATES = 10
#: Share of the shorter name's trigrams two names must have in common. Fewer
#: rarely reach difflib's 0.6 ratio, and skipping them keeps runs with many
#: dead links fast.
_MIN_SHARED = 0.5


class NameSuggester:
    """Nearest names by trigram overlap, ranked by difflib's similarity ratio.

    Names that share at least `_MIN_SHARED` of the shorter name's trigrams
    are candidates; the `_CANDIDATES` that share most go to difflib.
    """

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
        self.common: dict[str, frozenset[str]] = {
            gram: frozenset(keys)
            for gram, keys in self.postings.items()
            if _COMMON_POSTING < len(keys) <= _MAX_POSTING
        }
        self.fewest_grams = min(self.gram_counts.values(), default=0)

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        key = self.normalise(name)
        grams = _trigrams(key)
        counts = self._shared_counts(grams)
        qualified = [
            (candidate, shared)
            for candidate, shared in counts.items()
            if shared >= _MIN_SHARED * min(len(grams), self.gram_counts[candidate])
        ]
        # Most shared first; among equals, in name order, so the choice of
        # candidates does not depend on the order the counts were taken in.
        qualified.sort(key=lambda pair: (-pair[1], pair[0]))
        candidates = [candidate for candidate, _shared in qualified[:_CANDIDATES]]
        matches = difflib.get_close_matches(key, candidates, n=limit, cutoff=0.6)
        return [self.display[match] for match in matches]

    def _shared_counts(self, grams: set[str]) -> Counter[str]:
        """Return, per name, how many of ``grams`` it shares, for every name
        that may share enough of them to be a candidate."""
        counts: Counter[str] = Counter()
        common = [gram for gram in grams if gram in self.common]
        if 2 * len(common) >= min(len(grams), self.fewest_grams):
            # A name reached through the common trigrams alone may qualify,
            # so every posting is counted in full.
            common = []
        for gram in grams:
            posting = self.postings.get(gram, ())
            if len(posting) <= _MAX_POSTING and gram not in common:
                counts.update(posting)
        # Names that no rarer trigram found share at most len(common)
        # trigrams, fewer than any name needs, so only the found ones count.
        for gram in common:
            for candidate in self.common[gram].intersection(counts):
                counts[candidate] += 1
        return counts


def _trigrams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}
