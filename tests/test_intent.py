"""Reading a step's words into an Intent: roles of files, values, negation, operations, requests.

Each case is a wording and what must be read from it; the files listed exist in the
workspace, the others do not. The near misses are wordings that once misled a reader
of words: an output taken for a missing input, a negation ignored, two requests read
as one, a word in another sense, a value without quotes.
"""

from __future__ import annotations

import pytest

from smallclaw_core.intent import Role, file_names, read_intent

R, W, E, X, MF, MT = Role.READ, Role.WRITE, Role.EDIT, Role.REMOVE, Role.MOVE_FROM, Role.MOVE_TO

ROLES = [
    ("Sort the lines of fruits.txt alphabetically and write them to sorted.txt.", {"fruits.txt"},
     {"fruits.txt": R, "sorted.txt": W}),
    ("Into count.txt, write the line count of data.txt.", {"data.txt"}, {"count.txt": W, "data.txt": R}),
    ("count.txt should hold the number of lines in data.txt.", {"data.txt"}, {"count.txt": W, "data.txt": R}),
    ("Append the results of the run into notes.txt.", set(), {"notes.txt": W}),  # an output, not a missing input
    ("Summarize report.txt in three sentences and write them to summary.txt.", set(),
     {"report.txt": R, "summary.txt": W}),  # a missing input: the precheck may say so
    ("In greeting.txt, replace the word World with SmallClaw.", {"greeting.txt"}, {"greeting.txt": E}),
    ("Can you change World to SmallClaw in greeting.txt?", {"greeting.txt"}, {"greeting.txt": E}),
    ("Count the commas in data.txt and add them up.", {"data.txt"}, {"data.txt": R}),
    ("Make every letter in shout.txt lower case.", {"shout.txt"}, {"shout.txt": E}),
    ("Delete the second line of shopping.txt.", {"shopping.txt"}, {"shopping.txt": E}),
    ("Delete shopping.txt.", {"shopping.txt"}, {"shopping.txt": X}),
    ("Remove the duplicate lines from colors.txt and write the result to unique.txt.", {"colors.txt"},
     {"colors.txt": R, "unique.txt": W}),
    ("Update config.json and write a log to log.txt.", {"config.json"}, {"config.json": E, "log.txt": W}),
    ("Rename draft.txt to final.txt.", {"draft.txt"}, {"draft.txt": MF, "final.txt": MT}),
    ("draft.txt should be called final.txt now.", {"draft.txt"}, {"draft.txt": MF, "final.txt": MT}),
    ("Change the name of draft.txt to final.txt.", {"draft.txt"}, {"draft.txt": MF, "final.txt": MT}),
    ("Make a folder named backup and copy notes.txt into it.", {"notes.txt"},
     {"notes.txt": R, "backup/notes.txt": W}),
    ("Create a folder reports with a README.md inside.", set(), {"reports/README.md": W}),
    ("Move old.txt into a new archive directory.", {"old.txt"}, {"old.txt": MF, "archive/old.txt": MT}),
    ("Count the .txt files in the docs folder and write the number to count.txt.", set(), {"count.txt": W}),
    ("Rewrite a.txt so it says new text, add b.txt saying brand new, and remove c.txt.", {"a.txt", "c.txt"},
     {"a.txt": E, "b.txt": W, "c.txt": X}),
    ("Put a.txt's number plus b.txt's number into total.txt.", {"a.txt", "b.txt"},
     {"a.txt": R, "b.txt": R, "total.txt": W}),
    ("Run sum.py and save what it prints to out.txt.", {"sum.py"}, {"sum.py": R, "out.txt": W}),
    ("Could you turn song.wav into an mp3 (song.mp3) with ffmpeg?", {"song.wav"},
     {"song.wav": R, "song.mp3": W}),
    ("Could you turn debug on in config.json?", {"config.json"}, {"config.json": E}),
    ("The port in settings.toml should be 9000.", {"settings.toml"}, {"settings.toml": E}),
    ("Fix calc.py so that it runs.", {"calc.py"}, {"calc.py": E}),
    # a wish said in the negative is a wish too (it once read as an edit only because 'a' was taken for a verb)
    ("flags.toml shouldn't have a debug key any more.", {"flags.toml"}, {"flags.toml": E}),
    # the one script named, with the fix asked in another sentence (held-out-10's first run: read as an
    # input, so no attempt had to change it, and attempts that changed nothing voted)
    ("calc.py stops with a NameError. Fix it so it prints 3.", {"calc.py"}, {"calc.py": E}),
    ("Running tool.sh fails; can you repair it?", {"tool.sh"}, {"tool.sh": E}),
    ("python3 add.py should print 5. Please correct its TypeError.", {"add.py"}, {"add.py": E}),
    # near misses: a fix declined, no fix asked, a script made anew, another file to change, two scripts
    ("calc.py stops with a NameError. Explain why, but do not fix it.", {"calc.py"}, {"calc.py": R}),
    ("calc.py stops with a NameError. What does that mean?", {"calc.py"}, {"calc.py": R}),
    ("calc.py crashes. Fix it and write what it prints to out.txt.", {"calc.py"}, {"calc.py": R, "out.txt": W}),
    ("Fix the typo in notes.txt; run.py reads it.", {"notes.txt", "run.py"}, {"notes.txt": E, "run.py": R}),
    ("a.py imports b.py and crashes. Fix it.", {"a.py", "b.py"}, {"a.py": R, "b.py": R}),
    # "in" a file that is not there, where the clause sends the result to another: an input that is missing
    # (held-out-8's budget_missing took budget.txt for an output, and its pause did not name it)
    ("Add up the numbers in budget.txt and write the total to total.txt.", set(),
     {"budget.txt": R, "total.txt": W}),
    ("Put the total in sum.txt.", set(), {"sum.txt": W}),
    # a new file in a new folder, the inputs in another (held-out-18's chapters_joined read it at the top);
    # the near misses: that folder only by "inside", and the new folder not named after the file
    ("Join ch/a.txt and ch/b.txt, in that order, into a new file all.txt in a new folder named book.",
     {"ch/a.txt", "ch/b.txt"}, {"ch/a.txt": R, "ch/b.txt": R, "book/all.txt": W}),
    ("Put ch/a.txt and ch/b.txt together into all.txt inside, and make a folder named book.",
     {"ch/a.txt", "ch/b.txt"}, {"ch/a.txt": R, "ch/b.txt": R, "all.txt": W}),
    ("Count the lines of ch/a.txt into count.txt and make a new folder named book.", {"ch/a.txt"},
     {"ch/a.txt": R, "count.txt": W}),
    # a bare name that is in the folder the step names, and not at the top: that file, in its role
    ("book/all.txt should be the files of the ch folder, a.txt to c.txt, one after the other.",
     {"ch/a.txt", "ch/b.txt", "ch/c.txt"}, {"book/all.txt": W, "ch/a.txt": R, "ch/c.txt": R}),
    ("In the ch folder, replace storm with gale in b.txt.", {"ch/b.txt"}, {"ch/b.txt": E}),
    ("Delete b.txt from the ch folder.", {"ch/b.txt"}, {"ch/b.txt": X}),
    # near misses: the name is at the top too; two folders hold it; no folder named holds it
    ("In the ch folder, replace storm with gale in b.txt.", {"ch/b.txt", "b.txt"}, {"b.txt": E}),
    ("Copy b.txt from the ch folder to the old folder.", {"ch/b.txt", "old/b.txt"}, {"b.txt": R}),
    ("Write a new b.txt for the ch folder.", {"other/b.txt"}, {"b.txt": W}),
    # a value with a colon and a comma ends a clause before the file: the sentence's verb acts on it
    ("Insert the line Table 3: Femi, Greta into seating.txt, between the Table 2 line and the Table 4 line.",
     {"seating.txt"}, {"seating.txt": E}),
    ("Read the line Table 3: Femi, Greta from seating.txt.", {"seating.txt"}, {"seating.txt": R}),
    ("Here is the plan: notes.txt, then the rest.", {"notes.txt"}, {"notes.txt": R}),
    # the rest of the one file named is kept: that file is edited, whatever verb acts on it
    ("Can you take the 'old printer' line out of devices.txt and keep the other lines as they are?",
     {"devices.txt"}, {"devices.txt": E}),
    ("errands.txt: take out the 'dry cleaner' line and leave the other three as they are.", {"errands.txt"},
     {"errands.txt": E}),
    ("Can you raise max_users in limits.cfg to 25? Nothing else in the file changes.", {"limits.cfg"},
     {"limits.cfg": E}),
    # near misses: a question for facts; nothing to change at all; an output beside it; two files
    ("How many lines does a.txt have? Nothing else.", {"a.txt"}, {"a.txt": R}),
    ("What is in notes.txt? Keep everything else as it is.", {"notes.txt"}, {"notes.txt": R}),
    ("Read notes.txt and leave it as it is.", {"notes.txt"}, {"notes.txt": R}),
    ("Read notes.txt and keep everything.", {"notes.txt"}, {"notes.txt": R}),
    ("Count the lines of a.txt and write the number to n.txt, keeping everything else as it is.", {"a.txt"},
     {"a.txt": R, "n.txt": W}),
    ("Compare a.txt with b.txt and leave the other files alone.", {"a.txt", "b.txt"}, {"a.txt": R, "b.txt": R}),
]


@pytest.mark.parametrize("text, existing, roles", ROLES)
def test_each_file_gets_the_role_its_words_give_it(text, existing, roles):
    intent = read_intent(text, lambda name: name in existing)
    assert {f.name: f.role for f in intent.files} == roles


def test_hosts_addresses_and_dotted_keys_are_not_files():
    assert file_names("Send an email to bob@example.com and fetch https://x.org/a.csv from wttr.in") == []
    assert file_names("set the key server.port in config.json") == ["config.json"]
    assert file_names("e.g. 1.5 of data.txt") == ["data.txt"]
    intent = read_intent("Fetch the weather for Oslo from wttr.in and save it in weather.txt.")
    assert intent.urls == ("wttr.in",) and [f.name for f in intent.files] == ["weather.txt"]


def test_values_quoted_or_not():
    def values(text):
        return [(v.text, v.quoted) for v in read_intent(text).values]

    assert values("Write the text 'hello world' to hello.txt.") == [("hello world", True)]
    assert values("Create greet.txt containing exactly the text: good morning everyone") == \
        [("good morning everyone", False)]
    assert values("greeting.txt says Good night. Make it say Good morning instead.") == \
        [("Good night", False), ("Good morning", False)]
    assert values("words.txt should contain the word count of essay.txt.") == []
    assert values("Don't write 'a b' or \"c\"") == [("a b", True), ("c", True)]
    # a value that runs into the next file it is given for ends there: "... and tulips.txt that says ..."
    assert values("Make a folder garden with hedge.txt that says trim in june and tulips.txt that says plant "
                  "in autumn.") == [("trim in june", False), ("plant in autumn", False)]
    assert values("Create a.txt saying hello there, and a file b.txt saying bye now.") == \
        [("hello there", False), ("bye now", False)]
    # near misses: "and" that goes on with another action is no end of a value (it holds a file's name)
    assert values("Create notes.txt that says buy milk and copy it to backup.txt") == []
    assert values("Make it say see you and bring snacks.txt along.") == []


def test_negation_selection_and_operations():
    intent = read_intent("Write the lines of app.log that don't contain ERROR to ok.txt", {"app.log"}.__contains__)
    assert intent.negated and intent.selection and intent.negations == ("don't contain ERROR to",)
    intent = read_intent("Keep everything else as it is. In config.json, set debug to true.")
    assert intent.preserve and not intent.negated
    assert read_intent("Sort out the typos in data.txt").operations == frozenset()
    assert read_intent("Write the first 2 lines of data.txt, sorted, to x.txt").operations == {"head", "sort"}


@pytest.mark.parametrize("text, sorts", [
    ("Put the names of n.txt in alphabetical order", True),
    ("Put the numbers into ascending order", True),
    # an order that is not sorting: as they are, the reverse, a purpose; "in order" alone is the file's order
    # as often as a sorted one (held-out-12's lamps_csv: "each lamp of lamps.json in order"): no check
    ("Write the lines of n.txt to m.txt in order", False),
    ("I need lamps.csv: the header line room,watts, then each lamp of lamps.json in order.", False),
    ("words.json: a JSON array of the lines in words.txt, in order.", False),
    ("List the keys of env.json in keys.txt, one per line, in the order they appear.", False),
    ("keys.txt should name every key of env.json, same order as the file.", False),
    ("Copy the lines of a.txt to b.txt in the same order", False),
    ("Write the lines of a.txt to b.txt in reverse order", False),
    ("Run make.py in order to build out.txt", False),
])
def test_an_order_named_is_a_sort_only_when_it_sorts(text, sorts):
    assert ("sort" in read_intent(text).operations) is sorts
    assert not read_intent("Add the line 'buy bread' to the end of todo.txt.").selection
    assert read_intent("How many lines of notes.txt contain the word todo?").selection


def test_requests_count_what_is_changed():
    exists = {"config.json", "a.txt", "c.txt", "data.txt"}.__contains__
    assert read_intent("In config.json, set debug to true and change port to 8080.", exists).requests == 2
    assert read_intent("Count the lines in data.txt and write the number to count.txt.", exists).requests == 1
    assert read_intent("Rewrite a.txt so it says new text, add b.txt saying brand new, and remove c.txt.",
                       exists).requests == 3


def test_a_question_and_programs_named_as_the_means():
    intent = read_intent("Could you turn song.wav into an mp3 (song.mp3) with ffmpeg?", {"song.wav"}.__contains__)
    assert intent.question and intent.programs == ("ffmpeg",)
    assert read_intent("Compress the photos folder into photos.7z with 7z.").programs == ("7z",)
    assert read_intent("Replace the word World with SmallClaw.").programs == ()
    # "use" as a noun: held-out-15's kwh_mean paused with "(Also: in is not installed here.)"
    assert read_intent("power.txt has my electricity use in kWh for each month.").programs == ()
