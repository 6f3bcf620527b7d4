"""The command policy: which shell commands run at once, which are refused, which ask the user.

Under ``allow`` and ``ask`` a command runs without asking only when every part of it
can be checked here, before the shell sees it:

- every program in it (after ``|``, ``&&``, ``||``, ``;``, ``&`` and newlines) is a bare
  name on the allow-list and not a program that runs other programs (``sh -c``,
  ``env``, ``xargs``...), nor used with an option that runs one (``find -exec``);
- no command substitution, variable expansion, subshell or brace expansion, whose
  result the policy could not see (``$( )``, backticks, ``$VAR``, ``( )``, ``{ }``);
- nothing the shell reads differently from the policy: a line continuation
  (backslash-newline, which the shell joins: ``.\\<newline>.`` is ``..``), a comment
  (the shell ignores quotes in it, so what follows the next newline runs), a NUL;
- no program or option that changes the system rather than files (``date -s``, a
  date to set as ``date``'s argument, ``hwclock``, ``kill``, ``mount``...);
- every argument and redirection that names a path stays inside the workspace,
  after following symlinks and expanding globs;
- the workspace holds no symlink leading out of it (``grep -R``, ``find -L`` or
  ``cp -rL .`` would follow one without naming it).

The check errs on the side of refusing: a harmless command it cannot prove harmless is
refused (``allow``) or asked about (``ask``), never run. ``open`` runs everything.

Under ``sandbox`` the kernel is the guard and every command runs; the policy only
refuses, before running, a command naming a path it can prove the sandbox will not let
it reach (``cat /root/.ssh/id_rsa``), so the model reads why in plain words instead of
a bare "Permission denied". Where Landlock is missing, ``sandbox`` becomes ``ask``.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import shlex
from pathlib import Path

import attrs

from smallclaw_core import NeedsApproval, ToolError

from .config import ShellConfig
from .confinement import Confinement, ShellMode, shell_mode, within
from .workspace import is_inside

#: Programs whose job is to run other programs: the policy cannot see what they run,
#: so they never pass automatically, even when listed in ``allow``.
LAUNCHERS = frozenset({
    "sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "csh", "tcsh", "busybox", "env", "xargs",
    "exec", "eval", "command", "builtin", "source", ".", "nohup", "timeout", "nice", "ionice",
    "setsid", "sudo", "su", "doas", "time", "strace", "ltrace", "watch", "chroot", "unshare",
    "nsenter", "stdbuf", "parallel", "flock", "script", "run-parts", "trap",
})

#: Programs that change the system rather than files (the clock, names, mounts, modules,
#: services, the network, other processes): never covered, even when listed.
CHANGES_SYSTEM = frozenset({
    "hwclock", "timedatectl", "hostname", "hostnamectl", "domainname", "sysctl", "mount", "umount",
    "swapon", "swapoff", "modprobe", "insmod", "rmmod", "shutdown", "reboot", "poweroff", "halt",
    "systemctl", "service", "kill", "pkill", "killall", "ip", "ifconfig", "route", "iptables", "nft",
})

#: ``date``'s options that take a value (in the same word or the next one); ``-I`` only glued on
_DATE_VALUE_SHORT = "dfrs"
_DATE_VALUE_LONG = ("date", "file", "reference", "set", "rfc-3339")

#: Options with which an otherwise harmless program runs another program.
RUNS_PROGRAMS: dict[str, tuple[str, ...]] = {
    "find": ("-exec", "-execdir", "-ok", "-okdir"),
    # GNU long options may be abbreviated: any prefix of --compress-program
    "sort": ("--com",),
    "tar": ("--to-command", "--use-compress-program", "-I", "--checkpoint-action", "--info-script",
            "--new-volume-script", "-F"),
    "rsync": ("-e", "--rsh", "--rsync-path"),
    "zip": ("-TT", "--unzip-command"),
}

#: Programs whose arguments are text, not paths.
TEXT_ARGUMENTS = frozenset({"echo", "printf", "true", "false", "seq", "basename", "dirname"})

#: Paths outside the workspace that are always fine to name.
SAFE_PATHS = frozenset({"/dev/null", "/dev/stdin", "/dev/stdout", "/dev/stderr"})

#: entries looked at when searching the workspace for symlinks leading out
LINK_SCAN_LIMIT = 20000

_SEPARATOR_CHARS = set(";&|\n")
_REDIRECT_CHARS = set("<>")
_GLOB_CHARS = set("*?[")


@attrs.define
class Judgement:
    """What the policy found in a command: the programs, and why it cannot run unasked."""

    command: str
    programs: list[str] = attrs.field(factory=list)
    problems: list[str] = attrs.field(factory=list)

    @property
    def allowed(self) -> bool:
        return not self.problems


def _tokens(command: str) -> list[str]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|<>()\n")
    lexer.whitespace = " \t"  # what sh splits words on; a newline separates commands, as in sh
    lexer.whitespace_split = True
    lexer.commenters = ""  # sh's comments are refused before (see _unreadable): '#' inside a word is text
    return list(lexer)


_WORD_ENDS = set(" \t\n;&|()<>")


def _unreadable(command: str) -> list[str]:
    """What the shell would expand unseen, or read differently from this policy's reading."""
    found: list[str] = []
    state = ""  # "", "'" or '"'
    word_start = True
    i = 0
    while i < len(command):
        ch = command[i]
        following = command[i + 1: i + 2]
        if state == "'":
            if ch == "'":
                state = ""
        elif ch == "\\":
            if following == "\n":
                found.append("a line continuation (backslash-newline), which the shell joins into one line")
            i += 1  # the next character is taken as it is
        elif ch == "`" or (ch == "$" and following == "("):
            found.append("command substitution ($( ) or backticks)")
        elif ch == "$":
            found.append("variable expansion ($...)")
        elif state == '"':
            if ch == '"':
                state = ""
        elif ch in "'\"":
            state = ch
        elif ch in "{}":
            found.append("brace expansion or grouping ({ })")
        elif ch == "#" and word_start:
            found.append("a comment (#): the shell ignores quotes in it, so its reading cannot be checked")
        elif ch == "\x00":
            found.append("a NUL character")
        word_start = state == "" and ch in _WORD_ENDS
        i += 1
    if state:
        found.append("an unterminated quote")
    return list(dict.fromkeys(found))


def _sets_the_clock(arguments: list[str]) -> bool:
    """True when ``date`` is asked to set the clock: ``-s``/``--set``, or a date as its argument."""
    words = iter(arguments)
    for word in words:
        if word == "--":
            return any(not w.startswith("+") for w in words)
        if word.startswith("--"):
            name, has_value, _ = word[2:].partition("=")
            if name and "set".startswith(name):  # GNU takes any unambiguous prefix: --se, --s
                return True
            if not has_value and any(option.startswith(name) for option in _DATE_VALUE_LONG):
                next(words, None)
        elif word.startswith("-") and len(word) > 1:
            for position, letter in enumerate(word[1:], 1):
                if letter == "s":
                    return True
                if letter in _DATE_VALUE_SHORT or letter == "I":
                    if letter != "I" and position == len(word) - 1:
                        next(words, None)  # the value is the next word
                    break
        elif not word.startswith("+"):
            # MMDDhhmm[[CC]YY][.ss]: the clock is set to it. The words lose where they stood, so
            # the 2 of `date 2>/dev/null` counts too: over-strict, never blind
            return True
    return False


def _path_candidates(word: str) -> list[str]:
    """The strings in an argument that a program might take as a path."""
    out = [word]
    if word.startswith("-"):
        if "=" in word:
            out.append(word.split("=", 1)[1])
        if not word.startswith("--") and len(word) > 2:
            out.append(word[2:])  # a short option with its value glued on: -o/etc/x
    return [c for c in out if c]


def _could_match_dots(part: str) -> bool:
    """True when a glob component could expand to '.' or '..' (sh matches a leading dot only explicitly)."""
    if part in (".", "..") or not any(ch in _GLOB_CHARS for ch in part) or part[0] not in ".[":
        return False
    return fnmatch.fnmatchcase(".", part) or fnmatch.fnmatchcase("..", part)


def _path_problem(workspace: Path, word: str) -> str | None:
    if word in SAFE_PATHS:
        return None
    text = word
    if text.startswith("~"):
        # the shell expands ~ to HOME, which is the workspace; ~user is someone else's home
        if text == "~" or text.startswith("~/"):
            text = "." + text[1:]
        else:
            return f"{word!r} names another user's home directory"
    if any(ch in _GLOB_CHARS for ch in text):
        if os.path.isabs(text):
            return f"{word!r} is outside the workspace"
        if any(_could_match_dots(part) for part in text.split("/")):
            return f"the pattern {word!r} could match '..' and leave the workspace"
        for match in glob.glob(text, root_dir=str(workspace)):
            if not is_inside(workspace, match):
                return f"{word!r} matches {match!r}, which is outside the workspace"
    if not is_inside(workspace, text):
        return f"{word!r} is outside the workspace"
    return None


def outward_links(workspace: Path, limit: int = LINK_SCAN_LIMIT) -> list[str]:
    """Symlinks in the workspace that lead outside it (the first few), looking at ``limit`` entries at most."""
    found: list[str] = []
    seen = 0
    stack = [str(workspace)]
    while stack and seen < limit and len(found) < 3:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if entry.is_symlink():
                if not is_inside(workspace, entry.path):
                    found.append(os.path.relpath(entry.path, workspace))
            elif entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
    return found


def judge(command: str, allow: list[str], workspace: Path) -> Judgement:
    """Check ``command`` against the allow-list and the workspace without running it."""
    judgement = Judgement(command)
    problems = judgement.problems
    if not command.strip():
        problems.append("the command is empty")
        return judgement
    problems.extend(_unreadable(command))
    try:
        tokens = _tokens(command)
    except ValueError as exc:
        problems.append(f"the command cannot be parsed ({exc})")
        return judgement
    allowed = set(allow)
    program: str | None = None
    arguments: list[list[str]] = []  # each program's, for the forms judged by them (date's)
    expect_program = True
    redirect: str | None = None
    for token in tokens:
        is_operator = bool(token) and set(token) <= (_SEPARATOR_CHARS | _REDIRECT_CHARS | set("()"))
        if redirect is not None:
            if is_operator:
                problems.append(f"a redirection {redirect!r} has no target")
            elif redirect.endswith("&") and (token.isdigit() or token == "-"):
                pass  # 2>&1: a file descriptor, not a path
            else:
                problem = _path_problem(workspace, token)
                if problem:
                    problems.append(f"redirection to {problem}")
            redirect = None
            continue
        if is_operator:
            if "(" in token or ")" in token:
                problems.append("subshells and grouping ( ) are not checked by the policy")
            elif set(token) & _REDIRECT_CHARS:
                redirect = token
            else:
                expect_program = True
            continue
        if expect_program:
            expect_program = False
            program = token
            judgement.programs.append(token)
            arguments.append([])
            if token in LAUNCHERS or os.path.basename(token) in LAUNCHERS:
                problems.append(f"{token!r} runs other commands, which the policy cannot check")
            elif os.path.basename(token) in CHANGES_SYSTEM:
                problems.append(f"{token!r} changes the system (the clock, names, mounts, services, the network "
                                "or other processes), which the policy never does unasked")
            elif token not in allowed:
                if "/" in token and os.path.basename(token) in allowed:
                    problems.append(f"{token!r} is a path; allowed programs are named bare (found on PATH)")
                else:
                    problems.append(f"{token!r} is not in the allow list")
            continue
        name = os.path.basename(program or "")
        arguments[-1].append(token)
        for option in RUNS_PROGRAMS.get(name, ()):
            if token == option or token.startswith(option):
                problems.append(f"{name} {option} runs other programs")
        if name in TEXT_ARGUMENTS:
            continue
        for candidate in _path_candidates(token):
            problem = _path_problem(workspace, candidate)
            if problem:
                problems.append(problem)
                break
    if redirect is not None:
        problems.append(f"a redirection {redirect!r} has no target")
    for name, words in zip(judgement.programs, arguments):
        if os.path.basename(name) == "date" and _sets_the_clock(words):
            problems.append("date -s, --set or a date as its argument sets the system clock, which the policy "
                            "never does unasked (date +FORMAT and date -d DATE only print)")
    if not problems:
        links = outward_links(workspace)
        if links:
            problems.append(f"the workspace holds symlinks leading outside it ({', '.join(links)}), "
                            "which commands could follow")
    judgement.problems = list(dict.fromkeys(problems))
    return judgement


def _unreachable(word: str, workspace: Path, confinement: Confinement) -> str | None:
    """Why ``word``, taken as a path, is one the sandbox will refuse; None when it is not provably so."""
    if word in SAFE_PATHS or word.startswith("/dev/fd/"):
        return None
    if word.startswith("~"):
        if word == "~" or word.startswith("~/"):
            return None  # HOME is the workspace
        path = os.path.expanduser(word)
    elif word.startswith("/") or word.startswith(".."):
        path = os.path.join(workspace, word)
    else:
        return None  # relative: inside the workspace unless a symlink says otherwise; the kernel decides
    if any(ch in _GLOB_CHARS or ch in "$`\x00" for ch in path):
        return None  # a pattern or an expansion: what it becomes is the kernel's business
    real = os.path.realpath(path)
    if not (os.path.lexists(path) or os.path.isdir(os.path.dirname(real))):
        return None  # names nothing on this machine: maybe not a path at all (sed's /start/,/end/p)
    if within(real, os.path.realpath(workspace)) or confinement.can_reach(real):
        return None
    return f"{word!r} is outside what commands can reach"


def beyond_reach(command: str, workspace: Path, confinement: Confinement) -> list[str]:
    """Paths ``command`` names that the sandbox would refuse: programs, arguments and redirections."""
    try:
        tokens = _tokens(command)
    except ValueError:
        return []  # the shell will say what is wrong with it
    problems: list[str] = []
    program = ""
    expect_program = True
    redirect: str | None = None
    for token in tokens:
        if token and set(token) <= (_SEPARATOR_CHARS | _REDIRECT_CHARS | set("()")):
            if set(token) & _REDIRECT_CHARS:
                redirect = token
            else:
                expect_program = True
            continue
        if redirect is not None:
            after, redirect = redirect, None
            if after.endswith("&") and (token.isdigit() or token == "-"):
                continue
            words = [token]
        elif expect_program:
            expect_program = False
            program = token
            words = [token]
        elif os.path.basename(program) in TEXT_ARGUMENTS:
            continue
        else:
            words = _path_candidates(token)
        for word in words:
            problem = _unreachable(word, workspace, confinement)
            if problem:
                problems.append(problem)
                break
    return list(dict.fromkeys(problems))


def enforce(command: str, config: ShellConfig, workspace: Path, approvals: frozenset[str] | set[str] = frozenset(),
            *, what: str = "run_shell", mode: ShellMode | None = None,
            confinement: Confinement | None = None) -> Judgement | None:
    """Apply the policy in force (``mode``, from ``config`` by default) to ``command``: return when it may run, else raise.

    Raises ``ToolError`` (``allow``: refused, the model is told why; ``sandbox``: a path
    the sandbox would refuse) or ``NeedsApproval`` (``ask``: the task pauses with the
    exact command, unless the user approved this exact command before).
    """
    mode = mode or shell_mode(config)
    if mode.policy == "open":
        return None
    if mode.policy == "sandbox":
        problems = beyond_reach(command, workspace, confinement) if confinement else []
        if problems:
            raise ToolError(
                f"refused: {'; '.join(problems)}. Commands run in a sandbox: they read and write only the "
                "workspace (and $TMPDIR), and read the system's programs and libraries. Work on files in the "
                "workspace."
            )
        return None
    judgement = judge(command, config.allow, workspace)
    if judgement.allowed:
        return judgement
    why = "; ".join(judgement.problems)
    if mode.policy == "ask":
        if command in approvals:
            return judgement
        fallback = f"\n(the sandbox is not available: {mode.missing})" if mode.fallback else ""
        raise NeedsApproval(
            key=command,
            message=f"{what} wants to run a command that needs your approval: {command}\n"
                    f"(not covered by the allow list: {why}){fallback}",
        )
    listed = ", ".join(config.allow) or "none"
    raise ToolError(
        f"refused by the command policy: {why}. Only these programs run: {listed}; "
        "no $( ), backticks, variables or ( ); paths stay inside the workspace. "
        "Use the file tools or a different command."
    )
