"""The rules that derive checks from a step's words: the right check, or none at all.

Two corpora. ``RIGHT``: wordings each rule must read, with the output the derived
command must print when run on the step's input (so a check is tested against what is
true, not against the rule's own text). ``NEAR_MISSES``: wordings that look like a rule's
but ask something else (a negation, two requests in a sentence, a word in another
sense, a selection of lines, an output that is not a number): a rule must derive
nothing for them, or exactly the check given. A derived check that misfires fails
right work, so every rule is held to both.
"""

from __future__ import annotations

import subprocess

import pytest

from smallclaw_core import Facts, Workspace, read_intent
from smallclaw_shell_tools.derivers import DERIVERS

FILES = {
    "fruits.txt": "pear\napple\nmango\nbanana\n", "names.txt": "ada\ngrace\nlinus\n",
    "data.txt": "alpha\nbravo\ncharlie\ndelta\necho\n", "numbers.txt": "4\n17\n9\n",
    "nums.txt": "10\n9\n100\n2\n", "colors.txt": "red\nblue\nred\ngreen\nblue\n",
    "app.log": "INFO a\nERROR disk full\nINFO c\nDEBUG d\n", "notes.txt": "todo: a\ndone: b\ntodo: c\n",
    "config.json": '{"name": "demo", "debug": false, "port": 8080}\n', "settings.toml": 'title = "demo"\nport = 8000\n',
    "sales.csv": "item,amount\napples,12\npears,30\n", "part1.txt": "first half\n", "part2.txt": "second half\n",
    "essay.txt": "Small models can do real work.\n", "greeting.txt": "Hello, World!\n", "mixed.txt": "pear\nApple\n",
    "word.txt": "excellence\n", "access.log": "GET / 200\nGET /a 404\nGET /b 404\nGET /c 500\n",
    "letters.txt": "a\nb\nc\nd\n", "tools.json": '[{"name": "saw", "count": 2}]\n', "recipe.txt": "flour\neggs\n",
    "site.json": '{"title": "blog", "languages": ["en", "de"]}\n',
    "capitals.json": '{"France": "Paris", "Peru": "Lima"}\n',
}


def derive(tmp_path, description: str) -> list[str]:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "docs").mkdir(exist_ok=True)
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / "docs" / name).write_text("x\n")
    files = Workspace(tmp_path)
    intent = read_intent(description, files.exists)
    facts = Facts(workspace=files)
    return [line for d in DERIVERS for line in d.derive(intent, facts)]


def printed(tmp_path, line: str) -> str:
    command = line.split("::", 1)[1].strip()
    return subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True).stdout


#: (wording, the file compared, what its derived command must print)
RIGHT = [
    # "a" is in one line of letters.txt, and an article here: it picks no lines
    ("Write the number of lines in letters.txt to a file n.txt.", "n.txt", "4\n"),
    ("Sort the lines of fruits.txt alphabetically and write them to sorted.txt.", "sorted.txt",
     "apple\nbanana\nmango\npear\n"),
    ("Could you put the lines of fruits.txt in alphabetical order in a new file sorted.txt?", "sorted.txt",
     "apple\nbanana\nmango\npear\n"),
    ("sorted.txt should list the fruits from fruits.txt in A-Z order.", "sorted.txt", "apple\nbanana\nmango\npear\n"),
    ("Sort the numbers in nums.txt from smallest to largest into s.txt.", "s.txt", "2\n9\n10\n100\n"),
    ("Write the contents of names.txt in upper case to upper.txt.", "upper.txt", "ADA\nGRACE\nLINUS\n"),
    ("Into upper.txt, write names.txt converted to uppercase.", "upper.txt", "ADA\nGRACE\nLINUS\n"),
    ("Find the line in app.log that contains ERROR and write that line to error.txt.", "error.txt",
     "ERROR disk full\n"),
    ("Write the lines of app.log that don't contain ERROR to ok.txt.", "ok.txt", "INFO a\nINFO c\nDEBUG d\n"),
    ("Count the lines in data.txt and write the number to count.txt.", "count.txt", "5\n"),
    ("How many words are in essay.txt? Save just the number to words.txt.", "words.txt", "6\n"),
    ("Into count.txt, write the line count of data.txt.", "count.txt", "5\n"),
    ("Write the first 3 lines of data.txt to head.txt.", "head.txt", "alpha\nbravo\ncharlie\n"),
    ("head.txt should contain the top three lines of data.txt.", "head.txt", "alpha\nbravo\ncharlie\n"),
    ("Write the last 2 lines of data.txt to tail.txt.", "tail.txt", "delta\necho\n"),
    ("Write the largest number in numbers.txt to max.txt.", "max.txt", "17\n"),
    ("Which number in numbers.txt is the smallest? Put it in min.txt.", "min.txt", "4\n"),
    ("Remove the duplicate lines from colors.txt and write the result to unique.txt.", "unique.txt",
     "red\nblue\ngreen\n"),
    ("Can you write colors.txt without its repeated lines to unique.txt?", "unique.txt", "red\nblue\ngreen\n"),
    ("Read the port from config.json and write it to port.txt.", "port.txt", "8080\n"),
    ("Get the title from settings.toml and save it to t.txt.", "t.txt", "demo\n"),
    ("Write the item column of sales.csv, without its header, to items.txt.", "items.txt", "apples\npears\n"),
    ("Write the sum of the amount column of sales.csv to total.txt.", "total.txt", "42\n"),
    ("Join part1.txt and part2.txt into whole.txt, part1.txt first.", "whole.txt", "first half\nsecond half\n"),
    ("Combine part2.txt and part1.txt into w.txt.", "w.txt", "second half\nfirst half\n"),
    ("Make a folder named backup and copy notes.txt into it.", "backup/notes.txt", FILES["notes.txt"]),
    ("Count the .txt files in the docs folder and write the number to count.txt.", "count.txt", "2\n"),
    ("Write the numbers 1 to 5 to numbers2.txt, one per line.", "numbers2.txt", "1\n2\n3\n4\n5\n"),
    ("Remove every line that contains DEBUG from app.log.", "app.log", "INFO a\nERROR disk full\nINFO c\n"),
]


@pytest.mark.parametrize("wording, output, expected", RIGHT)
def test_a_derived_comparison_prints_exactly_the_right_output(tmp_path, wording, output, expected):
    lines = [line for line in derive(tmp_path, wording) if line.startswith(f"file_equals_output: {output} ::")]
    assert lines, derive(tmp_path, wording)
    assert printed(tmp_path, lines[0]) == expected


#: (wording, exactly the checks derived; [] for none)
NEAR_MISSES = [
    # a word in another sense
    ("Sort out the typos in data.txt and write a report to report.txt.", []),
    ("Write a short note about the count of birds to note.txt.", []),
    ("Write something nice about fruits.txt to notes2.txt.", []),
    # some lines, not all of them
    ("Count the lines in notes.txt that contain todo and write the count to todo_count.txt.",
     ["file_is_number: todo_count.txt"]),
    ("How many lines of notes.txt contain the word todo? Write the number to n.txt.", ["file_is_number: n.txt"]),
    ("Write the lines of notes.txt that start with todo to t.txt.", []),
    # two operations in one request: a rule for one of them steps back
    ("Write the first 2 lines of data.txt, sorted, to x.txt.", []),
    ("Sort fruits.txt and write it to s.txt in upper case.", []),
    ("Write the difference between the largest and the smallest number in numbers.txt to d.txt.", []),
    # a negation the rule does not read
    ("Don't sort fruits.txt; copy it to copy.txt.", []),
    ("Write every line of data.txt except the first 2 lines to rest.txt.", []),
    ("Count the lines of notes.txt, leaving out its first line, and save the count in n.txt.",
     ["file_is_number: n.txt"]),
    ("Count the words in essay.txt, skipping the title line; write the number to w.txt.", ["file_is_number: w.txt"]),
    ("Count the lines in log.txt ignoring blank ones and put the count in n.txt.", []),
    ("Write how many lines notes.txt has, other than the title, to n.txt.", []),
    # a word that some of the input's lines hold and others do not may pick the lines counted
    ("notfound.txt should hold the count of 404 lines in access.log.", ["file_is_number: notfound.txt"]),
    ("Write the number of todo lines in notes.txt to n.txt.", ["file_is_number: n.txt"]),
    # numbers without saying how to order them, and letters of both cases
    ("Sort nums.txt into s.txt.", []),
    ("Sort mixed.txt into s.txt.", []),
    # an output that is not a number
    ("Create scores.json with the qty as a number.", []),
    ("Write the phone number of Bob to phone.txt.", []),
    # two requests in a sentence
    ("In config.json, set debug to true and change port to 9090.",
     ['file_value: config.json :: name = "demo"', "file_value: config.json :: debug = true",
      "file_value: config.json :: port = 9090"]),
    ("Sort fruits.txt into sorted.txt and count its lines into n.txt.", []),
    # a key or column the file does not have
    ("Read the host from config.json and write it to h.txt.", []),
    ("Write the price column of sales.csv to p.txt.", []),
    ("In config.json, set colour to red.", []),
    # a value to select by is not the content of a file that holds a count
    ("Copy the line of app.log with the word ERROR into e.txt.", ["file_equals_output: e.txt :: grep -F ERROR app.log"]),
    # a file's name is not what is counted ("word.txt")
    ("Count the letter e in word.txt and write the count to e_count.txt.", ["file_is_number: e_count.txt"]),
    # a file inside a folder the step names: its bare name is not its path
    ("Can you add a docs directory containing README.md with the text Project docs?", []),
    # a copy that changes no letter's case
    ("Copy the value of port in config.json into port.txt.",
     ["file_equals_output: port.txt :: python3 -c 'import json,sys,tomllib; p=sys.argv[1]; "
      "d=tomllib.load(open(p,'\"'\"'rb'\"'\"')) if p.endswith('\"'\"'.toml'\"'\"') else json.load(open(p)); "
      "v=d[sys.argv[2]]; print(v if isinstance(v,str) else json.dumps(v))' config.json port"]),
    ("Copy names.txt into copy.txt.", ["file_equals_output: copy.txt :: cat names.txt"]),
    # some of a file's items copied are not the file (held-out-19's vegan_dishes: "cat menu.txt" was derived,
    # and the attempts were told to make the whole menu); a file named with a clause after it still is
    ("Copy the dishes in names.txt that are marked vegan to vegan.txt, one per line.", []),
    ("Copy the names from names.txt which start with a vowel to v.txt.", []),
    ("Copy the names marked done to done.txt from names.txt.", []),
    ("Copy names.txt, which holds the team, into team.txt.", ["file_equals_output: team.txt :: cat names.txt"]),
    # "with" that does not select: the word is in no line of the input, so nothing would be kept
    ("Write each line of names.txt with every word capitalised to nice.txt.", []),
    ("Copy the lines of app.log with the word WARNING into w.txt.", []),
    # values given without quotes
    ("Create greet.txt containing exactly the text: good morning everyone", ["file_contains: greet.txt :: good morning everyone"]),
    ("hello.txt should contain just the words hello world.", ["file_contains: hello.txt :: hello world"]),
    ("Write the text 'hello world' to hello.txt.", ["file_contains: hello.txt :: hello world"]),
    ("Add the line 'buy bread' to the end of notes.txt.", ["file_contains: notes.txt :: buy bread",
                                                           "file_contains: notes.txt :: todo: a",
                                                           "file_contains: notes.txt :: done: b",
                                                           "file_contains: notes.txt :: todo: c"]),
    ("Replace every comma in data.txt with a semicolon.", []),
    # data that has a count in it is not a count, another name may be the copy's, and a value added inside
    # JSON changes its line (held-out-9's replays: tools_csv, recipe_bak, add_language)
    ("tools.json is a list of tools, each with a name and a count. Write it out as tools.csv with the header "
     "line name,count.", []),
    ("Copy recipe.txt into a new folder saved, and name the copy recipe.bak.", []),
    # what is counted is a unit wc does not know; the word of another unit is the thing counted in
    # (held-out-8's char_count: "letters" counted as words, 1, and the check passed that)
    ("How many letters has the word in word.txt? Write it in chars.txt.", ["file_is_number: chars.txt"]),
    ("Count the vowels in essay.txt and write the count to v.txt.", ["file_is_number: v.txt"]),
    ('Add "fr" to the end of the languages list in site.json.', ["file_contains: site.json :: fr"]),
    ("In greeting.txt, replace the word World with SmallClaw.",
     ["file_contains: greeting.txt :: SmallClaw", "file_lacks: greeting.txt :: World"]),
    # an edit in place with a new file beside it: the file is what the step reads
    ("Remove the lines containing DEBUG from app.log and write the rest to clean.log.", []),
    # numbers a word picks, and a program whose output they are (held-out-7's evens_script, replays)
    ("Write the even numbers from 2 to 10 to evens.txt, one per line.", []),
    ("Create evens.py that prints the even numbers from 2 to 10, one per line.", []),
    ("Write a script count.py that prints the numbers 1 to 5, one per line.", []),
    ("Write all numbers from 1 to 3 to n3.txt, one per line.", ["file_equals_output: n3.txt :: seq 1 3"]),
    # a value given for a script is what it prints, which it may compute: not its text (held-out-10's replays)
    ("Write shout.py that prints hey in capitals, as 'HEY'.", []),
    # a capital city is no capital letter (held-out-14's capitals_csv: a tr to upper case was derived, and the
    # right CSV refused)
    ("capitals.json maps countries to their capitals. Write it out as capitals.csv with the header "
     "country,capital and one line per country, in the same order.", []),
    ("Write tools.json in upper case to tools.csv.", []),
    # a key named in a conversion is kept, not read out (held-out-15's thermostat_json: the right JSON refused)
    ("Could you write the settings of settings.toml out as JSON in settings.json, port as a number?", []),
    # an unquoted value that runs into another has no certain end (held-out-15's add_basil: the model obeyed the
    # fix hint and wrote "basil right after the line parsley" into the file)
    ("In recipe.txt, add the line sugar right after the line flour.", []),
    ("Copy config.json into config.toml.", []),
    ("Write the lines of sales.csv that contain apples to apples.txt.",
     ["file_equals_output: apples.txt :: grep -F apples sales.csv"]),
    ("Write names.txt in capitals to upper.txt.", ["file_equals_output: upper.txt :: tr '[:lower:]' '[:upper:]' "
                                                   "< names.txt"]),
    ("greet.sh should print 'hi there' when run.", []),
    # a script that reads a file and prints it changed is a program, not that file changed (held-out-12's replays)
    ("Write upper_names.py, a Python script that reads names.txt and prints each of its lines in capital letters.",
     []),
    ("Can you make a script sorted_fruits.sh that prints the lines of fruits.txt sorted?", []),
    # a file a script prints into
    ("Write a Python script sum.py that prints the sum of the numbers from 1 to 100, run it, and write its output "
     "to sum.txt.", ["file_equals_output: sum.txt :: python3 sum.py",
                     "file_equals_output: sum.txt :: python3 -c 'print(sum(range(1, 101)))'"]),
]


@pytest.mark.parametrize("wording, expected", NEAR_MISSES)
def test_near_misses_derive_nothing_or_exactly_the_right_check(tmp_path, wording, expected):
    assert derive(tmp_path, wording) == expected


def test_file_names_reach_the_shell_only_quoted(tmp_path):
    (tmp_path / "a b.txt").write_text("b\na\n")
    files = Workspace(tmp_path)
    intent = read_intent("Sort the lines of 'a b.txt' and write them to c.txt", files.exists)
    lines = [line for d in DERIVERS for line in d.derive(intent, Facts(workspace=files))]
    assert all("a b.txt" not in line or "'a b.txt'" in line for line in lines)


def test_every_rule_has_a_docstring_with_an_example():
    for d in DERIVERS:
        assert d.doc and ("->" in d.doc or '"' in d.doc), d.name
