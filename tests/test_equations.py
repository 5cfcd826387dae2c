"""The index of the papers' equations (``python -m mwlib.equations``): it prints every entry, every module and function
it lists exists, and the module's docstring names the equation (or section) the entry gives."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys

import pytest

from mwlib.core import paths


# "Eq. 4", "Eq. (4)", "Eqs. 2-3", "Eqs. (2)-(3)", "Eq. 3/14", "Section 4.3", "Sec. 4.3", "Sections 2.1 and 4.4"
_REFERENCE = re.compile(r"\b(Eqs?\.|Equations?|Sections?|Secs?\.)\s*\(?(\d+(?:\.\d+)?)\)?"
                        r"((?:\s*(?:[-–/,]|and)\s*\(?\d+(?:\.\d+)?\)?)*)")


def references(text: str) -> set[tuple[str, str]]:
    """Every equation and section a text names, as ("eq", "4") / ("sec", "4.3"); ranges a-b expanded."""
    out = set()
    for kind, first, rest in _REFERENCE.findall(text):
        kind = "eq" if kind.lower().startswith("eq") else "sec"
        numbers = [first] + re.findall(r"\d+(?:\.\d+)?", rest)
        separators = re.findall(r"[-–/,]|and", rest)
        out.add((kind, numbers[0]))
        for sep, lo, hi in zip(separators, numbers, numbers[1:]):
            if sep in "-–" and lo.isdigit() and hi.isdigit():
                out |= {(kind, str(k)) for k in range(int(lo), int(hi) + 1)}
            else:
                out.add((kind, hi))
    return out


def test_references_are_parsed():
    assert references("Eqs. 2-3 and Eq. (5)") == {("eq", "2"), ("eq", "3"), ("eq", "5")}
    assert references("Eq. 3/14; Section 4.3; Sec. 2.1") == {("eq", "3"), ("eq", "14"), ("sec", "4.3"), ("sec", "2.1")}
    assert references("Eqs. (6)-(13)") == {("eq", str(k)) for k in range(6, 14)}
    assert references("Sections 2.1 and 4.4, Eqs. 1, 3") == {("sec", "2.1"), ("sec", "4.4"), ("eq", "1"), ("eq", "3")}


def test_the_index_is_printed_with_every_entry():
    from mwlib import equations

    out = subprocess.run([sys.executable, "-m", "mwlib.equations"], cwd=paths.REPO_ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() and equations.INDEX
    for entry in equations.INDEX:
        assert equations.qualified_name(entry) in out.stdout and entry.equation in out.stdout, entry


def test_every_listed_function_exists_and_its_docstring_names_paper_and_equation():
    """The function's own docstring says e.g. "Bird et al. (2022) Eq. 4" (the paper and every equation or section
    the index gives), and its module's docstring names the equation too."""
    from mwlib import equations

    problems = []
    for entry in equations.INDEX:
        module_name, _, attr = entry.target.partition(":")
        module = importlib.import_module(module_name)
        assert hasattr(module, attr), f"{entry.target} does not exist"
        obj = equations.resolve(entry)
        assert callable(obj)
        doc = " ".join((obj.__doc__ or "").split())
        if entry.paper not in doc:
            problems.append(f"{entry.target}: its docstring does not name {entry.paper!r}")
        for where, text in (("its docstring", doc), (f"the docstring of {module_name}", module.__doc__ or "")):
            missing = references(entry.equation) - references(text)
            if missing:
                problems.append(f"{entry.target}: the index says {entry.equation!r}, {where} names "
                                f"{sorted(references(text))}")
    assert not problems, "\n".join(problems)


def test_the_check_fails_for_a_wrong_equation(monkeypatch):
    """The docstring check can fail: an entry pointing at the wrong equation is reported."""
    from mwlib import equations

    wrong = equations.Entry(equations.B22, "Eq. 7", "not the TME", "mwlib.bird22.tme:tme_profile")
    doc = equations.resolve(wrong).__doc__
    assert not references(wrong.equation) <= references(doc)


def test_equations_md_is_the_current_index():
    from mwlib import equations

    path = paths.REPO_ROOT / "EQUATIONS.md"
    assert path.read_text() == equations.as_markdown(), "run: python -m mwlib.equations --markdown > EQUATIONS.md"
    assert "EQUATIONS.md" in (paths.REPO_ROOT / "README.md").read_text()
