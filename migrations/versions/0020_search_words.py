"""Search by words: adjacent-syllable pairs indexed beside the syllables.

Each line of each field also holds its pairs of adjacent syllables as one token, joined by a
digit ("hóa đơn" adds "hóa0đơn", folded "hoa0don"), so that a query's adjacent syllables
match as a phrase (see marketplace.catalog.search). The tables do not change; this migration
rebuilds the index rows with the pairs (downgrade: without them). The text preparation is
copied here on purpose (migrations never import application code).

Revision ID: 0020_search_words
Revises: 0019_orders
Create Date: 2026-12-02 15:00:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0020_search_words"
down_revision = "0019_orders"
branch_labels = None
depends_on = None

FIELDS = ("name", "tagline", "taxonomy", "body")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def _fold(text):
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def _line_tokens(line):
    normalised = unicodedata.normalize("NFC", unicodedata.normalize("NFC", line).lower())
    accented, current = [], []
    for ch in [*normalised, " "]:
        if ch.isalnum() or unicodedata.category(ch).startswith("M"):
            current.append(ch)
            continue
        if current:
            token = "".join(current)
            if _fold(token):
                accented.append(token)
            current = []
    return accented, [_fold(t) for t in accented]


def _pairs(tokens):
    return [f"{a}0{b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def _joined(texts, with_pairs):
    """Return the accent-preserved and the folded tokens of these texts, space-separated.

    With pairs: each line's tokens, then its adjacent-syllable pairs ("hóa0đơn").
    """
    accented, folded = [], []
    for text in texts:
        for line in (text or "").split("\n") if with_pairs else [text or ""]:
            a, f = _line_tokens(line)
            accented += a + (_pairs(a) if with_pairs else [])
            folded += f + (_pairs(f) if with_pairs else [])
    return " ".join(accented), " ".join(folded)


def _documents(bind, with_pairs):
    """Yield (solution id, {field: (accented, folded)}) for every published solution."""
    features = {}
    rows = bind.execute(
        sa.text(
            "SELECT sf.solution_id, sf.label, sf.value, fd.label_vi, fd.label_en "
            "FROM solution_features sf JOIN solutions s ON s.id = sf.solution_id "
            "LEFT JOIN feature_definitions fd ON fd.category_id = s.category_id "
            "AND fd.key = sf.key "
            "WHERE s.status = 'published' ORDER BY sf.solution_id, sf.position"
        )
    )
    for solution_id, label, value, label_vi, label_en in rows:
        if value == "no":
            continue
        texts = features.setdefault(solution_id, [])
        texts += [label_vi, label_en] if label_vi is not None else [label]
        if value != "yes":
            texts.append(value)
    rows = bind.execute(
        sa.text(
            "SELECT s.id, s.name, s.tagline, s.description, c.name_vi, c.name_en, "
            "p.name_vi, p.name_en, o.name "
            "FROM solutions s JOIN organizations o ON o.id = s.vendor_id "
            "LEFT JOIN categories c ON c.id = s.category_id "
            "LEFT JOIN categories p ON p.id = c.parent_id "
            "WHERE s.status = 'published' ORDER BY s.id"
        )
    ).all()
    for sid, name, tagline, description, *taxonomy in rows:
        yield (
            sid,
            {
                "name": _joined([name], with_pairs),
                "tagline": _joined([tagline], with_pairs),
                "taxonomy": _joined([*taxonomy, *features.get(sid, [])], with_pairs),
                "body": _joined([description], with_pairs),
            },
        )


def _tsvector_sql(prefix):
    return " || ".join(
        f"setweight(to_tsvector('simple', :{prefix}_{field}), '{weight}')"
        for field, weight in zip(FIELDS, "ABCD", strict=True)
    )


def _rebuild(with_pairs):
    bind = op.get_bind()
    op.execute("DELETE FROM solution_search")
    if bind.dialect.name == "postgresql":
        insert = sa.text(
            "INSERT INTO solution_search (solution_id, folded, accented) "
            f"VALUES (:id, {_tsvector_sql('f')}, {_tsvector_sql('a')})"
        )
    else:
        insert = sa.text(
            "INSERT INTO solution_search (rowid, name, tagline, taxonomy, body, name_accented, "
            "tagline_accented, taxonomy_accented, body_accented) VALUES (:id, :f_name, "
            ":f_tagline, :f_taxonomy, :f_body, :a_name, :a_tagline, :a_taxonomy, :a_body)"
        )
    for solution_id, doc in _documents(bind, with_pairs):
        params = {"id": solution_id}
        for field, (accented, folded) in doc.items():
            params[f"a_{field}"] = accented
            params[f"f_{field}"] = folded
        bind.execute(insert, params)


def upgrade():
    _rebuild(with_pairs=True)


def downgrade():
    _rebuild(with_pairs=False)
