"""Every audit action and every audited table has words in the audit log (core/audit.py).

The source is read, not run: each `record_audit(actor, action, obj, …)` call under
marketplace/ is found with `ast`, its action resolved to the strings it can be (a literal,
either side of a conditional, a parameter followed to the calls that pass it, a variable
taken from a module's dict of transitions) and its object to the model it is (a parameter's
annotation, a constructor, a relationship of another object). A call the reader cannot
resolve must be listed in DYNAMIC_ACTIONS / DYNAMIC_OBJECTS below with what it can be, so
a new kind of call fails here until someone says what it writes and labels it.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import re
from dataclasses import dataclass, field

import pytest
from bs4 import BeautifulSoup

from marketplace import PROJECT_ROOT
from marketplace.billing.models import PaymentStatus
from marketplace.core import audit
from marketplace.core.audit import record_audit
from marketplace.extensions import db
from marketplace.needs.models import NeedStatus
from tests import factories
from tests.needs.conftest import make_need

SOURCE = PROJECT_ROOT / "marketplace"


def _constants(module: str, pattern: str) -> set[str]:
    """Every string literal of `module` (a path under marketplace/) matching `pattern`."""
    tree = ast.parse((SOURCE / module).read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(pattern, node.value)
    }


# "path:function" of a call (or of the call that passes the action on) → what it can write.
DYNAMIC_ACTIONS: dict[str, set[str]] = {
    # f"payment.{target}": any status, a webhook records a payment in the state Stripe has.
    "billing/payments.py:audit_payment": {f"payment.{s}" for s in PaymentStatus},
    # f"need.{target}": every status a need moves to (posting writes "need.post").
    "needs/services.py:_move": {f"need.{s}" for s in NeedStatus if s != NeedStatus.PENDING},
    # f"settings.{document}_version", document being "terms" or "privacy".
    "core/site_settings.py:publish_document_version": {
        "settings.terms_version",
        "settings.privacy_version",
    },
    # The demo's histories replay the real moves, written as literals in the same module.
    "demo/trials_seed.py:_create": _constants("demo/trials_seed.py", r"trial\.[a-z_]+"),
    "demo/quotes_seed.py:_create": _constants("demo/quotes_seed.py", r"quote\.[a-z_]+"),
}

# "path:function:expression" of an object the reader cannot type → its table(s).
DYNAMIC_OBJECTS: dict[str, set[str]] = {
    "catalog/category_admin.py:move_among:item": {"categories", "feature_definitions"},
    # `for solution in …`: the listings of the retired category.
    "catalog/category_admin.py:retire_category:solution": {"solutions"},
    # `request.organization` of an unannotated verification request.
    "accounts/services.py:decide_verification:org": {"organizations"},
}


class Unresolved(Exception):
    pass


@dataclass
class Function:
    module: str  # path under marketplace/
    node: ast.FunctionDef | ast.AsyncFunctionDef
    tree: ast.Module

    @property
    def key(self) -> str:
        return f"{self.module}:{self.node.name}"

    @property
    def params(self) -> list[ast.arg]:
        a = self.node.args
        return [*a.posonlyargs, *a.args, *a.kwonlyargs]

    def default(self, name: str) -> ast.expr | None:
        a = self.node.args
        positional = [*a.posonlyargs, *a.args]
        for arg, value in zip(
            positional[len(positional) - len(a.defaults) :], a.defaults, strict=True
        ):
            if arg.arg == name:
                return value
        for arg, value in zip(a.kwonlyargs, a.kw_defaults, strict=True):
            if arg.arg == name:
                return value
        return None

    def assignments(self, name: str) -> list[ast.expr]:
        found = []
        for node in ast.walk(self.node):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        found.append(node.value)
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        found.extend(
                            value
                            for t, value in zip(target.elts, node.value.elts, strict=False)
                            if isinstance(t, ast.Name) and t.id == name
                        )
            elif isinstance(node, ast.AnnAssign | ast.NamedExpr):
                target = node.target
                if isinstance(target, ast.Name) and target.id == name and node.value:
                    found.append(node.value)
        return found

    def loop_target(self, name: str) -> bool:
        return any(
            isinstance(node, ast.For | ast.comprehension)
            and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.target))
            for node in ast.walk(self.node)
        )


@dataclass
class Call:
    function: Function
    node: ast.Call


@dataclass
class Source:
    functions: list[Function] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    @classmethod
    def read(cls) -> Source:
        source = cls()
        for path in sorted(SOURCE.rglob("*.py")):
            module = path.relative_to(SOURCE).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    function = Function(module, node, tree)
                    source.functions.append(function)
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.Call):
                            source.calls.append(Call(function, inner))
        return source

    def audits(self) -> list[Call]:
        """The record_audit calls (not those inside the nested functions' parents twice)."""
        seen, found = set(), []
        for call in self.calls:
            if _name(call.node.func) == "record_audit" and call.function.module != "core/audit.py":
                innermost = self.innermost(call)
                if id(call.node) not in seen:
                    seen.add(id(call.node))
                    found.append(Call(innermost, call.node))
        return found

    def innermost(self, call: Call) -> Function:
        owners = [
            f
            for f in self.functions
            if f.module == call.function.module and any(n is call.node for n in ast.walk(f.node))
        ]
        return min(owners, key=lambda f: len(list(ast.walk(f.node))))

    def callers(self, function: Function) -> list[Call]:
        """Calls of `function` by name: in its module when private, anywhere otherwise."""
        name = function.node.name
        private = name.startswith("_")
        found = []
        for call in self.calls:
            if _name(call.node.func) != name:
                continue
            if private and call.function.module != function.module:
                continue
            innermost = self.innermost(call)
            if innermost.node is function.node:
                continue
            if not any(c.node is call.node for c in found):
                found.append(Call(innermost, call.node))
        return found


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _module_global(function: Function, name: str):
    module = importlib.import_module("marketplace." + function.module[:-3].replace("/", "."))
    return getattr(module, name)


class ActionReader:
    def __init__(self, source: Source):
        self.source = source
        self.dynamic_used: set[str] = set()

    def of(self, call: Call) -> set[str]:
        node = call.node
        expr = node.args[1] if len(node.args) > 1 else _keyword(node, "action")
        return self.values(expr, call.function, set())

    def values(self, expr: ast.expr | None, function: Function, seen: set) -> set[str]:
        if expr is None:
            raise Unresolved(f"{function.key}: no action")
        if isinstance(expr, ast.Constant):
            if expr.value is None:
                return set()
            if isinstance(expr.value, str):
                return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self.values(expr.body, function, seen) | self.values(expr.orelse, function, seen)
        if isinstance(expr, ast.BoolOp):
            return set().union(*(self.values(v, function, seen) for v in expr.values))
        if isinstance(expr, ast.Call) and _name(expr.func) == "get":
            return self.mapping(expr.func.value, function)
        if isinstance(expr, ast.Subscript):
            return self.mapping(expr.value, function)
        if isinstance(expr, ast.Name):
            return self.name(expr.id, function, seen)
        if function.key in DYNAMIC_ACTIONS:
            self.dynamic_used.add(function.key)
            return DYNAMIC_ACTIONS[function.key]
        raise Unresolved(f"{function.key}: {ast.unparse(expr)}")

    def mapping(self, expr: ast.expr, function: Function) -> set[str]:
        if isinstance(expr, ast.Name):
            table = _module_global(function, expr.id)
            if isinstance(table, dict) and all(isinstance(v, str) for v in table.values()):
                return set(table.values())
        raise Unresolved(f"{function.key}: lookup in {ast.unparse(expr)}")

    def name(self, name: str, function: Function, seen: set) -> set[str]:
        if (function.key, name) in seen:
            return set()
        seen = seen | {(function.key, name)}
        if function.key in DYNAMIC_ACTIONS and function.loop_target(name):
            self.dynamic_used.add(function.key)
            return DYNAMIC_ACTIONS[function.key]
        assigned = function.assignments(name)
        if assigned:
            return set().union(*(self.values(v, function, seen) for v in assigned))
        params = [p.arg for p in function.params]
        if name not in params:
            raise Unresolved(f"{function.key}: {name}")
        found = set()
        default = function.default(name)
        if default is not None:
            found |= self.values(default, function, seen)
        position = params.index(name)
        callers = self.source.callers(function)
        if not callers:
            raise Unresolved(f"{function.key}: nobody passes {name}")
        for call in callers:
            arg = _keyword(call.node, name)
            if arg is None and position < len(call.node.args):
                arg = call.node.args[position]
            if arg is None:
                if default is None:
                    raise Unresolved(f"{call.function.key}: passes no {name}")
                continue
            found |= self.values(arg, call.function, seen)
        return found


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _models() -> dict[str, type]:
    return {m.class_.__name__: m.class_ for m in db.Model.registry.mappers}


class ObjectReader:
    def __init__(self, source: Source):
        self.source = source
        self.models = _models()
        self.dynamic_used: set[str] = set()

    def of(self, call: Call) -> set[str]:
        node = call.node
        expr = node.args[2] if len(node.args) > 2 else _keyword(node, "obj")
        key = f"{call.function.key}:{ast.unparse(expr)}"
        if key in DYNAMIC_OBJECTS:
            self.dynamic_used.add(key)
            return DYNAMIC_OBJECTS[key]
        return {m.__tablename__ for m in self.types(expr, call.function)}

    def types(self, expr: ast.expr, function: Function, seen: frozenset = frozenset()) -> set[type]:
        if isinstance(expr, ast.Attribute):
            found = set()
            for owner in self.types(expr.value, function, seen):
                relationship = owner.__mapper__.relationships.get(expr.attr)
                if relationship is None:
                    raise Unresolved(f"{function.key}: {ast.unparse(expr)}")
                found.add(relationship.mapper.class_)
            return found
        if isinstance(expr, ast.Name) and (function.key, expr.id) not in seen:
            seen = seen | {(function.key, expr.id)}
            return self.name(expr.id, function, seen)
        raise Unresolved(f"{function.key}: {ast.unparse(expr)}")

    def name(self, name: str, function: Function, seen: frozenset) -> set[type]:
        params = {p.arg: p for p in function.params}
        param = params.get(name)
        if param is not None and param.annotation is not None:
            named = self.annotated(param.annotation)
            if named:
                return named
        found = set()
        for value in function.assignments(name):
            found |= self.constructed(value) or self.returned(value, function)
            if not found:
                with contextlib.suppress(Unresolved):
                    found |= self.types(value, function, seen)
        if found:
            return found
        if param is not None:
            position = [p.arg for p in function.params].index(name)
            for call in self.source.callers(function):
                arg = _keyword(call.node, name)
                if arg is None and position < len(call.node.args):
                    arg = call.node.args[position]
                if arg is not None:
                    found |= self.types(arg, call.function, seen)
            if found:
                return found
        raise Unresolved(f"{function.key}: {name}")

    def returned(self, value: ast.expr, function: Function) -> set[type]:
        """A call of a function of the source whose return annotation names a model."""
        if not isinstance(value, ast.Call):
            return set()
        name = _name(value.func)
        candidates = [f for f in self.source.functions if f.node.name == name and f.node.returns]
        same = [f for f in candidates if f.module == function.module]
        for candidate in same or candidates:
            named = self.annotated(candidate.node.returns)
            if named:
                return named
        return set()

    def annotated(self, annotation: ast.expr) -> set[type]:
        text = ast.unparse(annotation).strip("'\"")
        return {
            self.models[part.strip()] for part in text.split("|") if part.strip() in self.models
        }

    def constructed(self, value: ast.expr) -> set[type]:
        """`Model(...)`, `db.session.get(Model, …)`, `db.session.scalar(select(Model)…)`,
        `existing or Model(...)`, `db.session.get(Model, …) if … else None`."""
        if isinstance(value, ast.Call) and _name(value.func) in self.models:
            return {self.models[_name(value.func)]}
        if isinstance(value, ast.Call | ast.IfExp | ast.BoolOp):
            named = [
                n.id for n in ast.walk(value) if isinstance(n, ast.Name) and n.id in self.models
            ]
            if len(set(named)) == 1:
                return {self.models[named[0]]}
        return set()


@pytest.fixture(scope="module")
def source() -> Source:
    return Source.read()


def test_every_audit_action_written_has_a_label(app, source):
    reader = ActionReader(source)
    written: dict[str, str] = {}
    unresolved = []
    for call in source.audits():
        try:
            for action in reader.of(call):
                written.setdefault(action, f"{call.function.module}:{call.node.lineno}")
        except Unresolved as error:
            unresolved.append(str(error))
    assert not unresolved, (
        f"say what these record_audit calls write (DYNAMIC_ACTIONS): {unresolved}"
    )
    # The reader sees the actions of every domain, the dynamic ones included.
    assert {"order.paid", "need.open", "payment.pending", "settings.terms_version"} <= set(written)
    assert len(written) > 100
    with app.test_request_context():
        labels = audit.action_labels()
    missing = sorted(f"{a} ({where})" for a, where in written.items() if a not in labels)
    assert not missing, f"describe these audit actions in the domain's audit_labels.py: {missing}"
    assert reader.dynamic_used == set(DYNAMIC_ACTIONS), "a DYNAMIC_ACTIONS entry is stale"


def test_every_audited_table_has_a_label(app, source):
    with app.app_context():
        reader = ObjectReader(source)
    tables: dict[str, str] = {}
    unresolved = []
    for call in source.audits():
        try:
            for table in reader.of(call):
                tables.setdefault(table, f"{call.function.module}:{call.node.lineno}")
        except Unresolved as error:
            unresolved.append(str(error))
    assert not unresolved, (
        f"say what these record_audit calls audit (DYNAMIC_OBJECTS): {unresolved}"
    )
    assert {"orders", "needs", "proposals", "programme_applications", "users"} <= set(tables)
    with app.test_request_context():
        kinds = audit.object_kinds()
    missing = sorted(f"{t} ({where})" for t, where in tables.items() if t not in kinds)
    assert not missing, f"describe these audited tables in the domain's audit_labels.py: {missing}"
    assert reader.dynamic_used == set(DYNAMIC_OBJECTS), "a DYNAMIC_OBJECTS entry is stale"


def test_every_label_is_translated_and_every_page_exists(app):
    with app.test_request_context():
        actions, kinds = audit.action_labels(), audit.object_kinds()
        endpoints = set(app.view_functions)
        for label in [*actions.values(), *(k.label for k in kinds.values())]:
            assert str(label).strip()
    for table, kind in kinds.items():
        assert table in db.metadata.tables, table
        if kind.endpoint is not None:
            assert kind.endpoint in endpoints, f"{table}: {kind.endpoint}"


def test_a_domain_cannot_describe_an_action_twice(app):
    with pytest.raises(ValueError, match="order.paid"):
        audit.describe(app, {"order.paid": "again"})


def test_the_reader_follows_parameters_and_refuses_what_it_cannot_see():
    """The resolver itself: literals, conditionals, parameters; an f-string is refused."""
    tree = ast.parse(
        "def _act(actor, obj, action='x.default'):\n"
        "    record_audit(actor, action, obj)\n"
        "def one(a, o):\n"
        "    _act(a, o, 'x.one' if a else 'x.two')\n"
        "def other(a, o, what):\n"
        "    record_audit(a, f'x.{what}', o)\n"
    )
    functions = [Function("fake.py", n, tree) for n in tree.body]
    src = Source(functions, [])
    for function in functions:
        for node in ast.walk(function.node):
            if isinstance(node, ast.Call):
                src.calls.append(Call(function, node))
    reader = ActionReader(src)
    audits = src.audits()
    assert reader.of(audits[0]) == {"x.default", "x.one", "x.two"}
    with pytest.raises(Unresolved, match="fake.py:other"):
        reader.of(audits[1])


# ---------------------------------------------------------------- the page


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _row(page: BeautifulSoup, text: str, action: str):
    """The log's row whose object reads `text` and whose action reads `action`."""
    rows = [
        r
        for r in page.select("tbody tr")
        if text in r.select("td")[3].get_text() and r.select("td")[2].get_text(strip=True) == action
    ]
    assert len(rows) == 1, [r.get_text(" ", strip=True) for r in page.select("tbody tr")]
    return rows[0]


def test_the_audit_log_reads_orders_and_needs_in_words_with_their_pages(
    client_for, enterprise, vendor, moderator
):
    factories.confirm_bank_account(vendor)
    solution = factories.make_solution(vendor)
    order = factories.make_transfer_order(enterprise, solution.plans[0])
    need = make_need(enterprise, status="open", moderator=moderator)
    m = client_for(moderator)
    page = _soup(m.get("/moderation/audit"))

    placed = _row(page, order.number, "Đặt đơn hàng")
    link = placed.select("td")[3].select_one("a")
    assert link.get_text(strip=True) == f"Đơn hàng: {order.number}"
    assert link["href"] == f"/orders/{order.id}"
    assert m.get(link["href"]).status_code == 200

    for action in ("Đăng bài toán", "Duyệt và công bố bài toán"):
        row = _row(page, need.title, action)
        link = row.select("td")[3].select_one("a")
        assert link.get_text(strip=True) == f"Bài toán: #{need.id} {need.title}"
        assert link["href"] == f"/moderation/needs/{need.id}"
    assert m.get(f"/moderation/needs/{need.id}").status_code == 200

    body = page.select_one("tbody").get_text()
    for raw in ("order.created", "need.post", "need.open", "orders #", "needs #"):
        assert raw not in body
    objects = {o["value"]: o.get_text(strip=True) for o in page.select("#object_type option")}
    assert objects["orders"] == "Đơn hàng" and objects["needs"] == "Bài toán"
    actions = {o["value"]: o.get_text(strip=True) for o in page.select("#action option")}
    assert actions["order.paid"] == "Đơn hàng đã thanh toán"
    assert actions["programme.version_added"] == "Thêm phiên bản quy định hỗ trợ"

    only_needs = _soup(m.get("/moderation/audit?object_type=needs")).select_one("tbody")
    assert need.title in only_needs.get_text() and order.number not in only_needs.get_text()
    only_paid = _soup(m.get("/moderation/audit?action=need.open")).select("tbody tr")
    assert len(only_paid) == 1 and "Duyệt và công bố bài toán" in only_paid[0].get_text()

    # In English, the same rows in English.
    m.post("/lang", data={"lang": "en"})
    english = _soup(m.get("/moderation/audit"))
    placed = _row(english, order.number, "Place an order")
    assert placed.select_one("a").get_text(strip=True) == f"Order: {order.number}"


def test_an_admin_only_page_is_linked_for_administrators_only(client_for, moderator, admin):
    person = factories.make_user("enterprise")
    record_audit(admin, "admin.user_throttle_clear", person, label=f"user #{person.id}")
    db.session.commit()
    for viewer, linked in ((moderator, False), (admin, True)):
        page = _soup(client_for(viewer).get("/moderation/audit"))
        cell = _row(page, f"Tài khoản #{person.id}", "Xóa bộ đếm đăng nhập sai").select("td")[3]
        # The number alone is said once ("user #5" is not repeated after it).
        assert cell.get_text(strip=True) == f"Tài khoản #{person.id}"
        link = cell.select_one("a")
        assert (link is not None) == linked
        if linked:
            assert link["href"] == f"/admin/users/{person.id}"
