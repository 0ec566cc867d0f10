"""Views of the request text the planner reads: in English, as words, its head clause, its title."""

from __future__ import annotations

from grokorc_assets.planning import classifier, glossary
from grokorc_assets.planning.lexicon import Lexicons
from grokorc_assets.planning.text import Token, lemma, tokenize


def word_seq(tokens: list[Token]) -> list[Token]:
    # Lexicon phrases ignore punctuation ("real-time" == "real time", "add, edit and delete").
    return [t for t in tokens if t.raw[0].isalnum() or t.raw in {"+", "#", "&"}]


def english_view(message: str) -> str:
    """The request as the English lexicons and model read it (unchanged when it is English)."""
    vocabulary = classifier.load_model().weights
    return glossary.to_english(message, known=lambda word: f"w:{lemma(word)}" in vocabulary)


def request_head(english: str, head_words: int) -> list[Token]:
    """The opening clause, at most ``head_words`` words: "Sales analytics dashboard with revenue by
    region, top products..." -> its head names a dashboard, whatever products the rest mentions."""
    head: list[Token] = []
    for token in tokenize(english):
        if token.raw in {".", ";", ":", "!", "?", "\n"} and head:
            break
        if token.raw[0].isalnum() or token.raw in {"+", "#", "&"}:
            head.append(token)
            if len(head) >= head_words:
                break
    return head


def request_title(message: str, lex: Lexicons) -> str | None:
    """The request's opening noun phrase as its name: "Online bookshop with search..." -> "Online bookshop"."""
    words: list[str] = []
    for token in message.replace("\n", " ").split():
        bare = token.strip("\"'()[]")
        low = bare.lower().rstrip(".,:;!?")
        if not words and low in lex.title_skip:
            continue
        if low in lex.title_stop or not bare:
            break
        words.append(bare.rstrip(".,:;!?"))
        if bare[-1:] in ".,:;!?" or len(words) == 6:
            break
    title = " ".join(words)
    return title[:1].upper() + title[1:] if len(title) >= 3 else None
