"""The apps stand on each other one way only (docs/architecture.md): a lower app never reaches a higher one.

Read from the source with ``ast``, so an import inside a function counts as much as one at the top, and
so do the ways around an import: ``apps.get_model("campaigns", …)``, ``import_string("campaigns…")``, a
lazy model reference ``"campaigns.Campaign"``. Templates count too: a lower app's template may not link to
a higher app's URLs nor include its templates.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Each app, and the apps it may use. iqm_portal is the platform at the bottom; its project-wiring modules
# (below) stand on top of everything instead.
MAY_USE = {
    "iqm_portal": set(),
    "accounts": {"iqm_portal"},
    "history": {"iqm_portal", "accounts"},
    "notices": {"iqm_portal", "accounts"},
    "audiences": {"iqm_portal", "accounts", "history", "notices"},
    "campaigns": {"iqm_portal", "accounts", "history", "notices", "audiences"},
    "l2_ingest": {"iqm_portal", "accounts", "history", "notices", "audiences"},
}
APPS = set(MAY_USE)
# The project's own top, which wires every app together.
PROJECT_TOP = {"iqm_portal/urls.py", "iqm_portal/settings.py", "iqm_portal/celery.py", "iqm_portal/wsgi.py"}
PROJECT_TOP_DIRS = ("iqm_portal/management/",)


def _is_project_top(relative: str) -> bool:
    return (
        relative in PROJECT_TOP or relative == "iqm_portal/asgi.py" or relative.startswith(PROJECT_TOP_DIRS)
    )


def _app_of(dotted: str) -> str | None:
    head = dotted.split(".", 1)[0]
    return head if head in APPS else None


def _reached_apps(tree: ast.AST, package: str) -> list[tuple[int, str, str]]:
    """(line, app, how) for every app the module reaches, however it reaches it."""
    reached = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            reached += [(node.lineno, _app_of(a.name), f"import {a.name}") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            reached.append((node.lineno, _app_of(target), f"from {target} import …"))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name in {"get_model", "import_string", "import_module", "__import__"} and texts:
                reached.append((node.lineno, _app_of(texts[0]), f"{name}({texts[0]!r})"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # "campaigns.Campaign" (a lazy model reference) or "campaigns.tasks.refresh_reach" (a path).
            match = re.fullmatch(r"([a-z_0-9]+)\.[A-Za-z_][\w.]*", node.value)
            if match and match.group(1) in APPS:
                reached.append((node.lineno, match.group(1), f"the string {node.value!r}"))
    return [(line, app, how) for line, app, how in reached if app]


def _python_modules():
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or _is_project_top(relative):
                continue
            yield app, relative, path


def _upward(app: str, reached: str) -> bool:
    return reached != app and reached not in MAY_USE[app]


def test_no_app_reaches_an_app_above_it():
    climbs = []
    for app, relative, path in _python_modules():
        module = relative[:-3].replace("/", ".")
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for line, reached, how in _reached_apps(ast.parse(path.read_text(), relative), package):
            if _upward(app, reached):
                climbs.append(f"{relative}:{line} ({app} → {reached}): {how}")
    assert climbs == [], "A lower app reaches a higher one:\n" + "\n".join(climbs)


def test_no_migration_depends_on_an_app_above_it():
    climbs = []
    for app in sorted(APPS):
        for path in sorted((ROOT / app / "migrations").glob("0*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Tuple) and len(node.elts) == 2:
                    first = node.elts[0]
                    if isinstance(first, ast.Constant) and first.value in APPS and _upward(app, first.value):
                        climbs.append(f"{path.relative_to(ROOT)}:{node.lineno} depends on {first.value}")
    assert climbs == [], "\n".join(climbs)


URL_OR_INCLUDE = re.compile(r"""{%\s*(?:url\s+['"](\w+):|(?:include|extends)\s+['"](\w+)/)""")
# URL namespaces an app's templates may name, besides its own app's: the namespaces each app serves.
NAMESPACE_OWNER = {"accounts": "accounts", "audiences": "audiences", "campaigns": "campaigns"}
NAMESPACE_OWNER |= {"history": "history", "notices": "notices"}
NAMESPACE_OWNER |= {"audience_targeting": "campaigns", "l2_ingest": "l2_ingest"}


def test_no_template_of_a_lower_app_links_to_or_includes_a_higher_one():
    climbs = []
    for app in sorted(APPS - {"iqm_portal"}):
        for path in sorted((ROOT / "templates" / app).rglob("*.html")):
            for number, text in enumerate(path.read_text().splitlines(), 1):
                for namespace, folder in URL_OR_INCLUDE.findall(text):
                    reached = (
                        NAMESPACE_OWNER.get(namespace) if namespace else (folder if folder in APPS else None)
                    )
                    if reached and _upward(app, reached):
                        climbs.append(f"{path.relative_to(ROOT)}:{number} ({app} → {reached})")
    assert climbs == [], "\n".join(climbs)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from campaigns.models import Campaign", "campaigns"),
        ("def f():\n    from campaigns import tasks", "campaigns"),
        ("import l2_ingest.models", "l2_ingest"),
        ("apps.get_model('campaigns', 'Campaign')", "campaigns"),
        ("import_string('campaigns.services.campaign_create')", "campaigns"),
        ("models.ForeignKey('campaigns.Campaign', on_delete=models.CASCADE)", "campaigns"),
        ("from ..campaigns import x", None),  # relative inside audiences resolves to audiences.campaigns
    ],
)
def test_the_reader_sees_every_way_up(source, expected):
    """The checks above would pass vacuously if the reader missed a form: each form is seen."""
    found = {app for _, app, _ in _reached_apps(ast.parse(source), "audiences.views")}
    assert (expected in found) if expected else not (found - {"audiences"})
