"""The questionnaire as data: versioned YAML files in `data/`, loaded and checked once.

A result keeps the version it was answered with; any version still in `data/` can be loaded
to show an old result's questions and answers. A new version is a new file. The version
offered to new assessments is `ASSESSMENT_VERSION` (config) or else the highest one.

Every shown text is in Vietnamese with its English twin beside it (`text`/`text_en`, …);
`localized` picks the one of the request's language, and the `label`-style accessors below
use it, so pages and forms never choose a language themselves.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import current_app
from flask_babel import get_locale

DATA_DIR = Path(__file__).resolve().parent / "data"
LEVEL_COUNT = 6  # levels 0 to 5
# The six pillars of the DBI, the same keys in every version (results compare by key).
PILLAR_KEYS = ("customer", "strategy", "technology", "operations", "culture", "data")


def localized(vietnamese: str, english: str) -> str:
    """The text in the request's language: English when the page is in English (and the
    English twin exists), Vietnamese otherwise, and outside a request."""
    locale = get_locale()
    return english if english and locale is not None and locale.language == "en" else vietnamese


class QuestionnaireError(ValueError):
    """A questionnaire file breaks the rules written at its top."""


class UnknownVersion(LookupError):
    """No questionnaire file has this version."""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    weight: int
    answers: tuple[str, ...]
    text_en: str = ""
    answers_en: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The question in the request's language."""
        return localized(self.text, self.text_en)

    def answer_label(self, level: int) -> str:
        """The answer of `level` (0–5) in the request's language."""
        english = self.answers_en[level] if level < len(self.answers_en) else ""
        return localized(self.answers[level], english)

    @property
    def answer_labels(self) -> tuple[str, ...]:
        return tuple(self.answer_label(level) for level in range(len(self.answers)))


@dataclass(frozen=True)
class Pillar:
    key: str
    weight: int
    questions: tuple[Question, ...]
    categories: tuple[str, ...]
    name: str
    name_en: str = ""

    @property
    def label(self) -> str:
        """The pillar's name in the request's language."""
        return localized(self.name, self.name_en)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    title: str
    pillars: tuple[Pillar, ...]
    title_en: str = ""
    levels: tuple[str, ...] = ()
    levels_en: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The questionnaire's title in the request's language."""
        return localized(self.title, self.title_en)

    def level_label(self, level: int) -> str:
        """The name of `level` (0–5) in the request's language."""
        return localized(self.levels[level], self.levels_en[level])

    @property
    def steps(self) -> int:
        return len(self.pillars)

    def pillar(self, key: str) -> Pillar:
        return next(p for p in self.pillars if p.key == key)

    def question_ids(self) -> set[str]:
        return {q.id for p in self.pillars for q in p.questions}

    def questions(self) -> list[Question]:
        return [q for p in self.pillars for q in p.questions]


def level_label(level: int) -> str:
    """A level's name (the DBI's, the same in every version) as the current version writes it."""
    return current().level_label(level)


def pillar_label(key: str) -> str:
    """A pillar's name (keys are the same in every version) as the current version writes it."""
    return current().pillar(key).label


def _positive(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1 or value > 100:
        raise QuestionnaireError(f"{where}: weight must be an integer from 1 to 100")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise QuestionnaireError(f"{where}: needs a text")
    return value


def _texts(values: object, where: str) -> tuple[str, ...]:
    """Exactly one text per level, 0 to 5 in order."""
    if not isinstance(values, list) or len(values) != LEVEL_COUNT:
        raise QuestionnaireError(f"{where}: needs exactly {LEVEL_COUNT} texts (levels 0–5)")
    return tuple(_text(v, where) for v in values)


def parse(document: dict, *, expected_version: str | None = None) -> Questionnaire:
    """Check a questionnaire document and return it; raise `QuestionnaireError` if broken."""
    version = str(document.get("version", ""))
    if not version or (expected_version and version != expected_version):
        raise QuestionnaireError(f"version {version!r} does not match its file")
    pillars = []
    seen: set[str] = set()
    for raw in document.get("pillars") or []:
        key = raw.get("key")
        if key not in PILLAR_KEYS:
            raise QuestionnaireError(f"unknown pillar {key!r}")
        questions = []
        for item in raw.get("questions") or []:
            qid = str(item.get("id", ""))
            if not qid or qid in seen or not qid.replace("_", "").isalnum() or len(qid) > 40:
                raise QuestionnaireError(f"{key}: bad or repeated question id {qid!r}")
            seen.add(qid)
            questions.append(
                Question(
                    qid,
                    _text(item.get("text"), f"{qid}.text"),
                    _positive(item.get("weight"), qid),
                    _texts(item.get("answers"), f"{qid}.answers"),
                    text_en=_text(item.get("text_en"), f"{qid}.text_en"),
                    answers_en=_texts(item.get("answers_en"), f"{qid}.answers_en"),
                )
            )
        if not 1 <= len(questions) <= 6:
            raise QuestionnaireError(f"{key}: needs 1 to 6 questions")
        pillars.append(
            Pillar(
                key=key,
                weight=_positive(raw.get("weight"), key),
                questions=tuple(questions),
                categories=tuple(str(c) for c in raw.get("categories") or []),
                name=_text(raw.get("name"), f"{key}.name"),
                name_en=_text(raw.get("name_en"), f"{key}.name_en"),
            )
        )
    if sorted(p.key for p in pillars) != sorted(PILLAR_KEYS):
        raise QuestionnaireError("every pillar must appear exactly once")
    return Questionnaire(
        version,
        _text(document.get("title"), "title"),
        tuple(pillars),
        title_en=_text(document.get("title_en"), "title_en"),
        levels=_texts(document.get("levels"), "levels"),
        levels_en=_texts(document.get("levels_en"), "levels_en"),
    )


def _data_dir() -> Path:
    return Path(current_app.config.get("ASSESSMENT_DATA_DIR") or DATA_DIR)


@functools.lru_cache(maxsize=32)
def _load(directory: str, version: str) -> Questionnaire:
    path = Path(directory) / f"{version}.yaml"
    if not path.is_file():
        raise UnknownVersion(version)
    with path.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle), expected_version=version)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def versions() -> list[str]:
    """Every version in the data directory, oldest first."""
    names = [p.stem for p in _data_dir().glob("*.yaml")]
    return sorted((n for n in names if _version_key(n)), key=_version_key)


def load(version: str) -> Questionnaire:
    """Return the questionnaire of `version`; raise `UnknownVersion` if it has no file."""
    if version not in versions():
        raise UnknownVersion(version)
    return _load(str(_data_dir()), version)


def current() -> Questionnaire:
    """The version new assessments are answered with."""
    configured = current_app.config.get("ASSESSMENT_VERSION")
    return load(configured or versions()[-1])
