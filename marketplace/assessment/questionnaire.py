"""The questionnaire as data: versioned YAML files in `data/`, loaded and checked once.

A result keeps the version it was answered with; any version still in `data/` can be loaded
to show an old result's questions and answers. A new version is a new file. The version
offered to new assessments is `ASSESSMENT_VERSION` (config) or else the highest one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import current_app
from flask_babel import lazy_gettext as _l

DATA_DIR = Path(__file__).resolve().parent / "data"
LEVEL_COUNT = 6  # levels 0 to 5
# The six pillars of the DBI, the same keys in every version (results compare by key).
PILLAR_KEYS = ("customer", "strategy", "technology", "operations", "culture", "data")
PILLAR_LABELS = {
    "customer": _l("Trải nghiệm khách hàng"),
    "strategy": _l("Chiến lược"),
    "technology": _l("Công nghệ và hạ tầng"),
    "operations": _l("Vận hành"),
    "culture": _l("Tổ chức và văn hóa doanh nghiệp"),
    "data": _l("Dữ liệu và tài sản thông tin"),
}
LEVEL_LABELS = (
    _l("Chưa chuyển đổi số"),
    _l("Khởi động"),
    _l("Bắt đầu"),
    _l("Hình thành"),
    _l("Nâng cao"),
    _l("Dẫn dắt"),
)


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


@dataclass(frozen=True)
class Pillar:
    key: str
    weight: int
    questions: tuple[Question, ...]
    categories: tuple[str, ...]
    name: str

    @property
    def label(self) -> str:
        return str(PILLAR_LABELS[self.key])


@dataclass(frozen=True)
class Questionnaire:
    version: str
    title: str
    pillars: tuple[Pillar, ...]

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
    return str(LEVEL_LABELS[level])


def _positive(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1 or value > 100:
        raise QuestionnaireError(f"{where}: weight must be an integer from 1 to 100")
    return value


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
            answers = tuple(str(a) for a in item.get("answers") or [])
            if len(answers) != LEVEL_COUNT:
                raise QuestionnaireError(f"{qid}: needs exactly {LEVEL_COUNT} answers (0–5)")
            questions.append(
                Question(qid, str(item["text"]), _positive(item.get("weight"), qid), answers)
            )
        if not 1 <= len(questions) <= 6:
            raise QuestionnaireError(f"{key}: needs 1 to 6 questions")
        pillars.append(
            Pillar(
                key=key,
                weight=_positive(raw.get("weight"), key),
                questions=tuple(questions),
                categories=tuple(str(c) for c in raw.get("categories") or []),
                name=str(raw.get("name", key)),
            )
        )
    if sorted(p.key for p in pillars) != sorted(PILLAR_KEYS):
        raise QuestionnaireError("every pillar must appear exactly once")
    return Questionnaire(version, str(document.get("title", "")), tuple(pillars))


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
