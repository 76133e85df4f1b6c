"""The metadata of the docs checks and of their options, imported at start-up
without the code that does the checks' work."""

from __future__ import annotations

from crucible_checks.checks import CheckInfo, Option, Scope
from crucible_checks.docs.settings import FAMILY
from crucible_checks.findings import Severity

DEAD_WIKI_LINK = CheckInfo(
    code="DOC001",
    name="dead-wiki-link",
    family=FAMILY,
    summary="A wiki link or embed names a page or file that does not exist.",
    explanation=(
        "The site renders a link to a missing page without complaint, so a renamed "
        "or never written page leaves links that lead nowhere. The name is resolved "
        "by the docs `resolver` option; the message suggests the nearest existing "
        "page names. Pages not written yet can be allowed with `allow-missing` "
        "patterns, and `crucible-checks docs wanted` lists them. With `run --fix`, "
        "a link to a page that git records as renamed is rewritten to the new name."
    ),
    bad_example="See [[Instal Guide]].",
    good_example="See [[Install Guide]].",
    scope=Scope.PROJECT,
)

DEAD_ANCHOR = CheckInfo(
    code="DOC002",
    name="dead-anchor",
    family=FAMILY,
    summary="A link's #heading or #^block names no anchor of the page it reaches.",
    explanation=(
        "Wiki headings are compared after turning both sides into GitHub anchors "
        '(or by text, with `heading-slugger = "text"`); `#^id` needs a block '
        "ending in `^id`. Markdown fragments are percent-decoded and compared with "
        "heading anchors, `{#custom-id}` and HTML id/name attributes, ignoring case "
        'unless `fragment-case = "strict"`.'
    ),
    bad_example="[[Setup#Instal]] or [setup](setup.md#instal)",
    good_example="[[Setup#Install]] or [setup](setup.md#install)",
    scope=Scope.PROJECT,
)

DEAD_RELATIVE_LINK = CheckInfo(
    code="DOC003",
    name="dead-relative-link",
    family=FAMILY,
    summary="A relative Markdown link leads to no file, or out of the docs root.",
    explanation=(
        "Relative links are resolved against the linking page's folder after "
        "percent-decoding; `dir/` means `dir/index.md`, then `dir/README.md`. The "
        "file name's case must match the folder listing, because the site's server "
        "is case-sensitive even where the author's disk is not. A link that climbs "
        "out of the docs root is reported and its target is never read. URLs and "
        "site-absolute paths (`/docs/x`) are not checked."
    ),
    bad_example="[setup](../guide/Setup.md)",
    good_example="[setup](../guide/setup.md)",
    scope=Scope.PROJECT,
)

AMBIGUOUS_PAGE = CheckInfo(
    code="DOC004",
    name="ambiguous-page",
    family=FAMILY,
    summary="A wiki link name, or a permalink, matches more than one page.",
    explanation=(
        "When two files answer to the same name, which page a link reaches depends "
        "on the build. The finding is on each ambiguous link (write the path, such "
        "as [[guide/setup]]) and on each page whose permalink another page already "
        "has (rename one of them). Ambiguous links are not reported as dead and "
        "make no edge of the graph."
    ),
    bad_example="guide/setup.md and admin/setup.md, linked as [[setup]]",
    good_example="[[guide/setup]]",
    scope=Scope.PROJECT,
)

ORPHAN_PAGE = CheckInfo(
    code="DOC005",
    name="orphan-page",
    family=FAMILY,
    summary="No other page links to this page.",
    explanation=(
        "A page no link reaches is found only by search. Links from the page to "
        "itself and ambiguous links do not count; embeds do. The `entry-pages` "
        "(by default index.md and README.md at the docs root) and pages with "
        "`orphan: true` in their front matter are exempt."
    ),
    bad_example="docs/old-notes.md, linked from nowhere",
    good_example="docs/index.md: See [[old-notes]].",
    severity=Severity.WARNING,
    scope=Scope.PROJECT,
)

INVALID_FRONT_MATTER = CheckInfo(
    code="DOC006",
    name="invalid-front-matter",
    family=FAMILY,
    summary="A page's YAML front matter is invalid, so none of its fields is read.",
    explanation=(
        "Front matter is invalid when it is not valid YAML, is not a mapping of "
        "field names to values, or has a field the docs checks read with the wrong "
        "type. `aliases` must be a string or a list of strings, `slug` and "
        "`permalink` a string, and `orphan` true or false. Such a page is checked "
        "as if it had no front matter: its links and headings are read, but its "
        "aliases, slug and orphan fields are not. Links through its aliases are "
        "then dead, and an `orphan: true` does not exempt it. The finding is at the "
        "YAML error, or at the field with the wrong type. A field that repeats "
        "YAML anchors (`*name`) into more text than the front matter contains "
        "is rejected too, because the copies would cost memory out of proportion "
        "to the page."
    ),
    bad_example='---\naliases: [Setup Guide]\ntitle: "Setup\n---',
    good_example='---\naliases: [Setup Guide]\ntitle: "Setup"\n---',
    scope=Scope.FILE,
)

SECTION_MODE = "section"
JSON_MODE = "json"
#: Page names shorter than this are not looked for as unlinked mentions.
DEFAULT_MIN_LENGTH = 4

BACKLINKS_OPTIONS = (
    Option(
        "backlinks",
        str,
        SECTION_MODE,
        "where `docs backlinks` writes each page's backlinks: 'section' (a "
        "generated section at the end of each page) or 'json' (one index file)",
        choices=(SECTION_MODE, JSON_MODE),
    ),
    Option(
        "backlinks-file",
        str,
        "backlinks.json",
        "the JSON index that `docs backlinks` writes in 'json' mode, relative to "
        "the project root",
    ),
    Option(
        "backlinks-heading",
        str,
        "## Backlinks",
        "the first line of each generated backlinks section",
    ),
)

STALE_BACKLINKS = CheckInfo(
    code="DOC101",
    name="stale-backlinks",
    family=FAMILY,
    summary="A generated backlinks section, or the backlinks index, is out of date.",
    explanation=(
        "`crucible-checks docs backlinks` writes, for each page, the pages that link "
        "to it: as a section between `<!-- crucible-checks:backlinks:begin -->` and "
        "`<!-- crucible-checks:backlinks:end -->` at the end of the page, or as one "
        'JSON index (docs option `backlinks = "json"`). When links change, the '
        "section or index no longer matches; this check reports it. Pages without "
        "a section are not reported. A page with several sections is reported "
        "too, because the commands keep only the last one up to date. `run --fix` "
        "rewrites only the stale sections and deletes all but the last, leaving "
        "every other byte of the page as it was."
    ),
    bad_example=(
        "<!-- crucible-checks:backlinks:begin -->\n## Backlinks\n\n"
        "- [[removed-page]]: this page no longer links here\n"
        "<!-- crucible-checks:backlinks:end -->"
    ),
    good_example="The section as `crucible-checks docs backlinks` writes it.",
    severity=Severity.WARNING,
    scope=Scope.PROJECT,
)

UNLINKED_MENTION = CheckInfo(
    code="DOC102",
    name="unlinked-mention",
    family=FAMILY,
    summary="Prose names another page without linking to it.",
    explanation=(
        "A page's title (first H1, else its file name) or one of its front matter "
        "`aliases`, written as whole words in another page's prose (any case), is "
        "a potential wiki link. Code, links, URLs, headings, HTML comments, front "
        "matter and generated sections are not prose. Only the first mention of "
        "each page is reported, and none of a page already linked. Names shorter "
        "than `min-length` and names of several pages are skipped. `run --fix` "
        "turns the reported mention into a wiki link that shows the original text."
    ),
    bad_example="Follow the setup guide first.",
    good_example="Follow the [[setup|setup guide]] first.",
    options=(
        Option(
            "min-length",
            int,
            DEFAULT_MIN_LENGTH,
            "shortest page name, in characters, that counts as a mention",
        ),
        Option(
            "ignore-names",
            list,
            [],
            "page names (any case) that are common words here and never a mention",
        ),
    ),
    default_enabled=False,
    severity=Severity.WARNING,
    scope=Scope.PROJECT,
)
