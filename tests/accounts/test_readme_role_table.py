"""The README's organisation role table says what `accounts.roles` decides: every action,
the roles that may perform it, and ✉ for the ones that wait for a verified e-mail."""

from __future__ import annotations

import re
from pathlib import Path

from marketplace.accounts import roles

README = Path(__file__).resolve().parents[2] / "README.md"
ROLE_COLUMNS = ("owner", "manager", "member")


def _role_table() -> dict[str, tuple[frozenset[str], bool]]:
    """Return action → (roles ticked, marked ✉) from the table of the teams section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Thành viên tổ chức / Organisation teams", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    header = lines.index("| action | Vietnamese | English | owner | manager | member |")
    table = {}
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        action = re.fullmatch(r"`([a-z_.]+)`( ✉)?", cells[0])
        assert action is not None, line
        ticked = frozenset(r for r, cell in zip(ROLE_COLUMNS, cells[3:6], strict=True) if cell)
        assert all(cell in ("", "✓") for cell in cells[3:6]), line
        assert action.group(1) not in table, f"twice: {action.group(1)}"
        table[action.group(1)] = (ticked, bool(action.group(2)))
    return table


def test_the_readme_lists_every_action_with_its_roles_and_the_e_mail_mark():
    table = _role_table()
    assert set(table) == set(roles.ACTIONS)
    for action, allowed in roles.ACTIONS.items():
        ticked, marked = table[action]
        assert ticked == {str(r) for r in allowed}, action
        assert marked == (action in roles.NEEDS_VERIFIED_EMAIL), action
