"""The words SmallClaw reads a task's text by: one vocabulary for every reader (``intent.py``
reads a step or a goal with it; the guards and derivers take the ``Intent``, not these words).

What each set or pattern is for is said above it. A word added here changes how every step is
read: the near-miss wordings of ``tests/test_intent.py`` are what such a change must keep passing.
"""

from __future__ import annotations

import re

#: extensions read as files even when no such file exists; another dotted word is a file
#: only when it exists ("database.port" is a key, "wttr.in" a host)
KNOWN_EXTENSIONS = frozenset(
    "txt md rst json jsonl toml yaml yml csv tsv ini cfg conf env log xml html htm css js ts py sh bash "
    "c h cpp go rs java rb pl php sql db sqlite lock mp3 wav ogg flac mp4 mkv avi mov jpg jpeg png gif "
    "svg webp pdf doc docx xls xlsx ppt pptx odt zip gz tgz tar bz2 xz 7z rar iso bin out dat bak tmp".split())
WRITE_VERBS = frozenset("write writes save saves create creates make makes generate produce store put output "
                        "export record build dump list".split())
READ_VERBS = frozenset("read reads open load parse use uses using run execute summarize summarise translate "
                       "convert compress archive zip analyse analyze scan".split())
EDIT_VERBS = frozenset("replace change set remove delete drop add append insert edit update modify fix repair "
                       "sort lowercase uppercase capitalize capitalise swap strip trim rewrite turn prepend "
                       "rename move dedupe deduplicate indent reformat format correct".split())
REMOVE_VERBS = frozenset("delete remove erase rm".split())
MOVE_VERBS = frozenset("rename move mv".split())
NEGATIONS = frozenset("not no never without except excluding minus nor none".split())
QUESTION_WORDS = frozenset("what which how who where when why can could would will is are does do did "
                           "should shall may".split())
#: words after "with", "using" that are not programs
_COMMON = frozenset("it them one each every all same care python3 python numbers number words word lines line text "
                    "value values name names header rest others other port key keys semicolons commas and or in on "
                    "at of for to from into onto as per than".split())
TLDS = frozenset("com org net io dev in co uk de fr eu us info ai me".split())
#: words that may stand between a role word and the file name ("the file", "a new csv file")
_FILLER = frozenset("the a an new file files script program python shell csv json text toml yaml "
                    "contents content lines line whole existing folder directory its their this that".split())

#: what people ask done to data, by the words they use for it; one vocabulary for every reader
OPERATIONS: dict[str, re.Pattern[str]] = {name: re.compile(pattern, re.I) for name, pattern in {
    # "in alphabetical order"; not "in order" alone (the file's order as often), "in reverse order", "in order to"
    "sort": r"\bsort(?:s|ed|ing)?\b(?!\s+out\b)|\balphabetical(?:ly)?\b|\b(?:in|into)\s+(?:alphabetic(?:al)?"
            r"|numeric(?:al)?|ascending|descending|increasing|decreasing|sorted|lexical|lexicographic(?:al)?|a-z)\s+"
            r"order\b|\ba-z\b|\bascending\b|\bdescending\b",
    "upper": r"\bupper[\s-]?case\b|\bcapital\s+letters\b|\b(?:in|into)\s+(?:all\s+)?capitals\b|\ball\s+caps\b",
    "lower": r"\blower[\s-]?case\b",
    "head": r"\b(?:first|top)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b",
    "tail": r"\b(?:last|bottom)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b",
    "unique": r"\bduplicates?\b|\bunique\b|\brepeat(?:ed|s)\b|\bdedupe?\b|\bonce\b",
    "reverse": r"\brevers(?:e|ed|ing)\b|\bbackwards?\b|\bupside\s+down\b|\blast\s+to\s+first\b",
    "count": r"\bcount(?:s|ed|ing)?\b|\bhow\s+many\b|\bnumber\s+of\b",
    "sum": r"\bsum\b|\btotal\b|\badd(?:s)?\s+up\b|\bplus\b",
    "max": r"\b(?:largest|biggest|highest|greatest|maximum|max)\b",
    "min": r"\b(?:smallest|lowest|least|minimum|min)\b",
    "replace": r"\breplac(?:e|es|ed|ing)\b|\bswap\b|\binstead\s+of\b",
    "join": r"\b(?:join|combine|merge|concatenate)\b|\bfollowed\s+by\b",
    "copy": r"\bcop(?:y|ies)\b|\bback\s+up\b|\bbackup\s+of\b|\bduplicate\s+of\b",
    "column": r"\bcolumns?\b",
    "average": r"\baverage\b|\bmean\b",
    "multiply": r"\bmultipl(?:y|ied|ication)\b|\bproduct\b|\btimes\b",
    "difference": r"\bdifference\b|\bminus\b|\bsubtract\b",
}.items()}
#: lines picked from a file ("the lines of app.log that contain ERROR")
LINE_SELECTION = re.compile(r"\blines?\b(?:\s+\S+){0,6}?\s+(?:that|which|where|whose)\b"
                            r"|\blines?\b(?:\s+\S+){0,6}?\s+(?:contain|contains|containing|start|starts|starting|"
                            r"begin|begins|beginning|matching|match|mention|mentions|mentioning|with\s+the\s+(?:word|text)|"
                            r"(?:end|ends|ending)\s+with)\b"
                            r"|\b(?:the\s+)?(?:ERROR|DEBUG|INFO|WARN(?:ING)?)\s+lines?\b", re.I)
#: some of a file's items, not the whole file: picked lines, or "the dishes in menu.txt that are marked vegan"
#: (held-out-19's vegan_dishes, read as a copy of menu.txt). It only keeps rules away: a check derived for a
#: whole file is not derived, and the step is judged by the agreement of its attempts
_SELECTION = re.compile(LINE_SELECTION.pattern
                        + r"|\b[a-z]+s\s+(?:in|of|from)\s+[\w./-]+\s+(?:that|which|whose|where)\b"
                        r"|\b[a-z]+s\s+(?:(?:that|which)\s+(?:are|were)\s+)?(?:marked|tagged|labell?ed|flagged)\b", re.I)
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NAME = re.compile(r"(?<![\w/.@-])((?:[\w-]+/)*[\w-]+\.[A-Za-z0-9]{1,6})(?![\w/-])")
_FOLDER_SLASH = re.compile(r"(?<![\w/.@-])([\w-]+)/(?=[\s.,;:)!?]|$)")
_FOLDER_NAMED = re.compile(r"\b(?:folder|directory|dir)\s+(?:named\s+|called\s+)?[\"']?([\w.-]+?)[\"']?(?=[\s.,;:)!?]|$)",
                           re.I)
_FOLDER_BEFORE = re.compile(r"\b(?:an?|the|new)\s+(?:new\s+)?(?!(?:new|folder|directory)\b)([\w-]+)\s+(?:folder|directory)\b",
                            re.I)
_QUOTED = re.compile(r"""(?:"([^"\n]{1,80})"|(?<!\w)'([^'\n]{1,80})'(?!\w)|“([^”\n]{1,80})”|‘([^’\n]{1,80})’)""")
_UNQUOTED = re.compile(r"\b(?:(?:exactly\s+)?the\s+(?:text|words|line)|says|saying|that\s+says|should\s+(?:say|read)|"
                       r"to\s+say|make\s+it\s+say|with\s+the\s+text)\s*:?\s+([^\"'“.;!?\n][^.;!?\n]{0,78}?)"
                       r"\s*(?:instead)?(?=[.;!?]\s|[.;!?]?$|\n|,?\s+and\s+(?:(?:a|the)\s+)?(?:file\s+)?[\w/-]+\.\w{1,6}\b)"
                       r"|\bthe\s+word\s+([^\s\"'“.,;!?]+)(?=[\s.,;!?]|$)(?!\s+(?:of|in|count)\b)", re.I)
#: a program named as the means: "use ffmpeg to", "using 7z", "with ffmpeg" at the end of a clause
_PROGRAM = re.compile(r"\b(?:use|using|via)\s+(?:the\s+)?([a-z0-9][\w+-]{1,20})\b"
                      r"|\b(?:with|by)\s+(?:the\s+)?([a-z0-9][\w+-]{1,20})(?!\.\w)(?:\s+(?:program|tool|command))?\s*(?=[.,;!?)]|$)"
                      r"|\b([a-z0-9][\w+-]{1,20})\s+(?:program|command)\b", re.I)
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_CLAUSE_END = re.compile(r"[.;!?](?=\s|$)|:\s|\bthen\b|,\s+and\b", re.I)
_PRESERVE = re.compile(r"\b(?:keep|leave|leaving|keeping)\s+(?:everything|all|the\s+rest|the\s+others?|other\s+\w+|it)\b"
                       r"[^.;!?]*|\b(?:nothing|anything)\s+else\b[^.;!?]*|\bdon'?t\s+change\s+anything\s+else\b"
                       r"|\bwith\s+the\s+other\s+\w+\s+unchanged\b|\bthe\s+rest\s+as\s+(?:it\s+is|before)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|without|except|excluding|minus|none)\b|\b\w+n't\b"
                       r"|\b(?:leav(?:e|es|ing)|left)\s+out\b|\bomit(?:s|ted|ting)?\b|\bskip(?:s|ped|ping)?\b"
                       r"|\bignor(?:e|es|ed|ing)\b|\b(?:apart|aside)\s+from\b|\bother\s+than\b", re.I)
_ACTION_START = re.compile(r"(?:^|[.;!?]\s+|,\s*(?:and\s+)?then\s+|\bthen\s+|,?\s+and\s+(?=(?:" +
                           "|".join(sorted(WRITE_VERBS | EDIT_VERBS | {"run", "count", "copy", "read"})) +
                           r")\b))", re.I)
