"""Splitting and escaping: every part fits Telegram's limit in UTF-16 units, and nothing is lost."""

from __future__ import annotations

import html

from hypothesis import given, settings, strategies as st

from smallclaw_telegram.messages import (
    LIMIT, compose, escape, escaped_cost, notification_text, split_text, utf16_len,
)


def test_utf16_counts_as_telegram_does():
    assert utf16_len("abc") == 3
    assert utf16_len("é") == 1          # two bytes in UTF-8, one unit in UTF-16
    assert utf16_len("😀") == 2         # outside the BMP: a surrogate pair
    assert escaped_cost("<") == 4 and escaped_cost("&") == 5 and escaped_cost("😀") == 2


def test_a_short_text_is_one_part():
    assert split_text("hello world") == ["hello world"]


def test_split_prefers_line_breaks_then_spaces():
    text = "first line\n" + "word " * 5
    parts = split_text(text, limit=20)
    assert parts[0] == "first line"
    assert all(utf16_len(p) <= 20 for p in parts)


def test_a_word_longer_than_the_limit_is_cut_hard():
    parts = split_text("x" * 25, limit=10)
    assert parts == ["x" * 10, "x" * 10, "x" * 5]


def test_emoji_are_never_cut_in_half():
    parts = split_text("😀" * 10, limit=5)
    assert all(p == "😀" * len(p) for p in parts)           # whole characters only
    assert all(utf16_len(p) <= 5 for p in parts)
    assert "".join(parts) == "😀" * 10


def test_escaping_counts_before_the_cut():
    parts = split_text("&" * 12, limit=10)  # each & becomes &amp; (5 units)
    assert parts == ["&&"] * 6
    assert all(utf16_len(escape(p)) <= 10 for p in parts)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab <&>\n\té😀漢")), max_size=400), st.integers(8, 60))
def test_parts_fit_and_keep_every_non_separator_character(text, limit):
    parts = split_text(text, limit=limit)
    assert all(utf16_len(escape(p)) <= limit for p in parts)
    # only whitespace is dropped: the separator a part ended on, and parts that are
    # all whitespace (Telegram refuses an empty message)
    squash = lambda s: "".join(s.split())
    assert squash("".join(parts)) == squash(text)


def test_compose_escapes_and_bolds_the_heading_only():
    parts = compose("Done: <b> & co", "a < b && c > d").parts
    assert parts == ["<b>Done: &lt;b&gt; &amp; co</b>\na &lt; b &amp;&amp; c &gt; d"]


def test_compose_splits_a_long_body_within_the_limit():
    body = ("Line with <tags> & ampersands, émojis 😀 and more words. " * 8 + "\n") * 30
    parts = compose("Done: report", body).parts
    assert len(parts) > 1
    assert all(utf16_len(p) <= LIMIT for p in parts)
    text = "".join(html.unescape(p.replace("<b>", "").replace("</b>", "")) for p in parts)
    assert text.replace("\n", "").replace(" ", "") == ("Done: report\n" + body).replace("\n", "").replace(" ", "")


def test_compose_cuts_beyond_max_parts_and_says_so():
    composed = compose("", "word " * 20000, max_parts=3)
    assert len(composed.parts) == 3 and composed.truncated
    assert "cut here" in composed.parts[-1]
    assert all(utf16_len(p) <= LIMIT for p in composed.parts)


def test_notification_texts_say_what_happened_and_how_to_reply():
    heading, body = notification_text("needs_assistance", "abc123", "Write report", "The check failed twice")
    assert "Needs you" in heading and "Write report" in heading
    assert "The check failed twice" in body and "/resume abc123" in body and "Reply to this message" in body
    heading, body = notification_text("failed", "abc123", "Write report", "disk full")
    assert "Failed" in heading and "disk full" in body
    heading, body = notification_text("complete", "abc123", "Write report", "All written.")
    assert "Done" in heading and body.startswith("All written.")
