"""The reproduction scorecard: every published number beside the one this repository computes.

Each notebook *records* what it reproduces (:func:`record`) in ``results/reproduced/<notebook>.json``,
keyed like :data:`mwlib.eh16.published.EADIE16_RESULTS` / ``BIRD22_RESULTS`` ("label|quantity"),
together with diagnostic numbers that explain a disagreement. :func:`build` joins the
published numbers with the recorded ones into ``results/reproduction_scorecard.csv``
(columns paper, quantity, published, reproduced, unit, deviation, agrees, explanation).

Agreement: inside the published interval where the paper gives one; exact for counts; within a
factor of :data:`ORDER_FACTOR` for a value the paper gives as "of order" (its systematics tests);
otherwise within :data:`TOLERANCE` (relative) of a value the paper quotes without an error.
A number nobody has computed yet appears with ``reproduced`` NaN and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from astropy.table import Table

from mwlib.bird22 import published as bird22_published
from mwlib.eh16 import published as eh16_published
from mwlib.core import paths

#: Each notebook writes what it reproduces to ``results/reproduced/<notebook>.json``.
RECORD_DIR = "reproduced"
#: Relative tolerance for published values quoted without an uncertainty.
TOLERANCE = 0.05
#: "of order X": agreement within a factor of 2 either way.
ORDER_FACTOR = 2.0


def _key(label: str, quantity: str) -> str:
    return f"{label}|{quantity}"


def record(run, paper: str, values: Mapping[tuple[str, str], float | None]) -> None:
    """Add ``{(label, quantity): value}`` for ``paper`` ("EH16" or "B22") to this notebook's record file
    ``results/reproduced/<notebook>.json`` (each notebook owns its own; :func:`load` joins them)."""
    data = run.memo.setdefault("scorecard", {})
    section = data.setdefault(paper, {})
    for (label, quantity), value in values.items():
        section[_key(label, quantity)] = None if value is None or not np.isfinite(value) else float(value)
    run.write_json(f"{RECORD_DIR}/{run.notebook}.json", data)


def load(run, notebooks: Sequence[str]) -> dict[str, dict[str, float]]:
    """The records of ``notebooks`` (those that record nothing have no file), joined by paper."""
    out: dict[str, dict[str, float]] = {}
    for name in notebooks:
        try:
            data = run.read_json(f"{RECORD_DIR}/{name}.json", producer=name)
        except FileNotFoundError:
            continue
        for paper, section in data.items():
            out.setdefault(paper, {}).update(section)
    return out


def _unit(quantity: str) -> str:
    if quantity.startswith(("M", "Mvir")) and not quantity.endswith("1e12"):
        return "1e11 Msun"
    if quantity.endswith("1e12"):
        return "1e12 Msun"
    if quantity.endswith("_kpc") or quantity.endswith("kpc"):
        return "kpc"
    if quantity.endswith("_kms"):
        return "km/s"
    if quantity.startswith(("n_", "n ")):
        return "count"
    if quantity.endswith("_pct") or "pct" in quantity:
        return "%"
    if quantity == "phi0":
        return "1e4 km^2/s^2"
    return ""


def _agrees(value: float, pub: Mapping[str, Any], is_count: bool) -> bool:
    if not np.isfinite(value):
        return False
    if is_count:
        return value == pub["value"]
    if pub.get("low") is not None and pub.get("high") is not None:
        return bool(pub["low"] <= value <= pub["high"])
    if pub.get("interval") == "order of":
        return bool(pub["value"] / ORDER_FACTOR <= abs(value) <= pub["value"] * ORDER_FACTOR)
    return bool(abs(value - pub["value"]) <= TOLERANCE * abs(pub["value"]))


#: What a comparison is worth (the ``basis`` column), in the order of the headline counts.
BASES: tuple[str, ...] = ("same data", "public stand-in", "mock of the paper's answer", "literature", "count")
#: Deviations beyond this (relative) are shown as n/a: a number a thousand per cent off says nothing more.
MAX_SHOWN_DEVIATION = 10.0
#: Published numbers left out of the scorecard because the comparison would be circular, with the reason.
CIRCULAR: dict[tuple[str, str, str], str] = {
    ("B22", "KG sample", "n_stars"): "the K-giant mock is drawn with the paper's sample size",
    ("B22", "KG", "alpha_in_adjusted"): "the K-giant mocks are drawn with the paper's adjusted density",
}
#: Published numbers left out because they repeat another row's comparison, with the reason.
REPEATS: dict[tuple[str, str, str], str] = {
    **{("B22", label, f"{radius} systematic"): "15% of the mass (Section 3.3): the same comparison as the mass row"
       for label, radius in (("Jeans KG", "M(<73)"), ("TME KG", "M(<73)"), ("Jeans BHB", "M(<52)"),
                             ("TME BHB", "M(<52)"))},
    **{("B22", label, "M200 systematic_1e12"): "15% of M200 (Section 3.3): the same comparison as the M200 row"
       for label in ("Jeans KG", "Jeans BHB")},
}
#: Published numbers that cannot be recomputed because their inputs are not public, with the reason (shown as
#: "n/a (inputs not public)", counted as rows, never as agreements).
NOT_COMPUTABLE: dict[tuple[str, str, str], str] = {
    **{("B22", "KG", q): "Xu et al. (2018)'s q(r) law is in no stored text; a stand-in gives other slopes (nb 02)"
       for q in ("alpha_in", "r_break_kpc", "alpha_out")},
    **{("B22", "BHB", q): "Das et al. (2016)'s broken power law is in no stored text; a stand-in gives other slopes "
                          "(nb 02)" for q in ("alpha_in", "r_break_kpc", "alpha_out")},
}


def basis_of(paper: str, label: str, quantity: str) -> str:
    """What the comparison of a published number is worth (:data:`BASES`): the EH16 cluster table is the paper's
    own data; the B22 BHB numbers come from public stand-in stars; the B22 K-giant numbers and the systematic
    tests from mocks of the paper's answer; the Section 4.2 slopes, fitted to the published density models the paper
    used, are "same data" (the paper's own inputs; not computable here); the Fig. 8 means from a literature
    compilation; sample sizes and the like are counts."""
    if paper == "EH16":
        return "count" if label == "sample" else "same data"
    if label in ("KG", "BHB") and quantity in ("alpha_in", "r_break_kpc", "alpha_out"):
        return "same data"  # Section 4.2's shells of the published density models the paper used
    if label.startswith("Fig. 8"):
        return "literature"
    if quantity.startswith("n_") or label == "sample":
        return "count"
    if "KG" in label or label in ("distance +-10%", "alpha_in", "alpha_out +-1"):
        return "mock of the paper's answer"
    return "public stand-in"


def record_source(paper: str, label: str, quantity: str) -> str:
    """Which record holds our value of a published number: ``"B22 mock"`` (the mock study of notebook 06) for the
    K-giant Table 1/2 rows, else the paper's own record."""
    if paper == "B22" and label in ("Jeans KG", "TME KG"):
        return "B22 mock"
    return paper


def _explain(paper: str, label: str, quantity: str, basis: str, diag: Mapping[str, float]) -> str:
    """One line, with measured numbers, for a disagreement."""
    def get(name: str) -> float:
        return diag.get(_key("diagnostic", name), float("nan"))

    if paper == "EH16":
        if label == "complete data":
            return (f"no definition of the direct beta gives it on the 71 clusters (nb 05b); Gaia EDR3 gives "
                    f"{get('beta_direct_edr3'):.2f} (nb 06)")
        if label.startswith("W10"):
            return (f"same formula and beta dependence; our speeds give {get('w10_ratio'):.2f}x the published mass "
                    "(the calibration target of nb 05b)")
        return ("the best pipeline hypothesis of nb 05b (tangential velocities of the complete clusters x "
                f"{get('best_hypothesis_value'):.3f}) reproduces {get('best_hypothesis_within'):.0f} of "
                f"{get('best_hypothesis_heldout'):.0f} held-out numbers (next columns)")
    if basis == "mock of the paper's answer":
        return "the paper's method on mocks of its own answer returns this (nb 06 mock study): the method's bias"
    if basis == "literature":
        return ("weighted mean of values transcribed from the original abstracts (data/literature/bird22_fig8.csv); "
                "the paper does not list its values")
    if basis == "public stand-in" and label == "average":
        return ("the paper averages its four fits (two K-giant, two BHB); ours averages the two fits of the clean "
                "public BHB stars only (the K-giant fits are mocks)")
    if basis == "public stand-in":
        return (f"public stand-in: {get('n_bhb_clean'):.0f} clean Barbosa et al. (2022) BHB stars with Gaia EDR3 vs "
                "the paper's 2526 with DR2 (nb 01-04)")
    return ""


def needs_external(paper: str, label: str, quantity: str) -> str | None:
    """The external file a published number's comparison needs (the real BHB stars), or None."""
    if paper == "B22" and basis_of(paper, label, quantity) in ("public stand-in", "count") and label != "KG sample":
        return paths.BARBOSA_BHB_NAME
    return None


def _entries():
    sample = {(k, ""): {"value": v[0], "low": None, "high": None, "where": v[1]}
              for k, v in eh16_published.EADIE16_SAMPLE.items()}
    return [("EH16", eh16_published.EADIE16, sample),
            ("EH16", eh16_published.EADIE16, dict(eh16_published.EADIE16_RESULTS)),
            ("B22", bird22_published.BIRD22, dict(bird22_published.BIRD22_RESULTS))]


def build(recorded: Mapping[str, Mapping[str, float]], absent: Sequence[str] = ()) -> Table:
    """The scorecard from the published numbers and the notebooks' records (:func:`load`).

    Columns: paper, quantity, basis (:func:`basis_of`), published, reproduced (text: a number, "n/a (prior
    bound)" for a fit at its prior bound, "not computed: <file> absent"), value (the number, NaN if none), unit,
    deviation (n/a beyond :data:`MAX_SHOWN_DEVIATION`), agrees, explanation, for the Eadie & Harris rows the
    value and agreement "under the best pipeline hypothesis" of notebook 05b, where the paper gives the number,
    and ``needs``: the external file the comparison needs ("" if none; :func:`needs_external`). Circular
    comparisons (:data:`CIRCULAR`) and repeats of another row (:data:`REPEATS`) are left out.
    """
    from mwlib.bird22.nfw_summary import M200_AT_PRIOR_BOUND_MSUN

    rows = []
    best = recorded.get("EH16 best hypothesis", {})
    for paper, citation, entries in _entries():
        diag = {**recorded.get(paper, {})}
        for (label, quantity), pub in entries.items():
            if {(paper, label, quantity), (paper, "sample", label)} & (CIRCULAR.keys() | REPEATS.keys()):
                continue
            lab, qty = (label, quantity) if quantity else ("sample", label)
            key = _key(lab, qty)
            value = recorded.get(record_source(paper, lab, qty), {}).get(key)
            value = float("nan") if value is None else float(value)
            basis = basis_of(paper, lab, qty)
            if pub["value"] is None:  # interval only: compare with its midpoint
                central = 0.5 * (pub["low"] + pub["high"])
                pub_text = f"{pub['low']}-{pub['high']}"
            else:
                central = pub["value"]
                pub_text = f"{pub['value']}" + (f" ({pub['low']}, {pub['high']})" if pub.get("low") is not None else "")
            is_count = qty.startswith("n_") and isinstance(pub["value"], int)
            agrees = _agrees(value, {**pub, "value": central}, is_count)
            deviation = (value - central) / central if np.isfinite(value) and central else np.nan
            text = f"{value:.4g}" if np.isfinite(value) else "not computed yet"
            missing = needs_external(paper, lab, qty)
            at_bound = qty.startswith(("M200", "r200", "c")) and np.isfinite(value) and (
                (qty == "M200_1e12" and value * 1e12 > M200_AT_PRIOR_BOUND_MSUN)
                or diag.get(_key("diagnostic", f"{label.lower().replace(' ', '_')}_at_prior_bound"), 0.0) > 0)
            not_public = NOT_COMPUTABLE.get((paper, lab, qty))
            if not_public is not None:
                value, agrees, deviation, text = float("nan"), False, float("nan"), "n/a (inputs not public)"
            elif missing in absent:
                value, agrees, deviation, text = float("nan"), False, float("nan"), f"not computed: {missing} absent"
            elif at_bound:
                agrees, deviation, text = False, float("nan"), "n/a (prior bound)"
            if np.isfinite(deviation) and abs(deviation) > MAX_SHOWN_DEVIATION:
                deviation = float("nan")
            explanation = (not_public if not_public is not None else
                           "" if agrees or not np.isfinite(value) else _explain(paper, lab, qty, basis, diag))
            under = best.get(key) if paper == "EH16" else None
            under = float("nan") if under is None else float(under)
            under_agrees = bool(np.isfinite(under) and _agrees(under, {**pub, "value": central}, False))
            rows.append((citation, label if not quantity else f"{label}: {quantity}", basis, pub_text, text, value,
                         _unit(qty), deviation, agrees, explanation, under, under_agrees if np.isfinite(under) else None,
                         pub.get("where", ""), missing or ""))
    table = Table(rows=rows, names=("paper", "quantity", "basis", "published", "reproduced", "value", "unit",
                                    "deviation", "agrees", "explanation", "reproduced under the best pipeline hypothesis",
                                    "agrees under it", "where", "needs"))
    table["value"].info.format = ".4g"
    table["reproduced under the best pipeline hypothesis"].info.format = ".4g"
    table["deviation"].info.format = "+.1%"
    return table


def headline_counts(card: Table) -> Table:
    """Per basis: rows, rows with a computed value, agreements, the median |deviation| (and for the Eadie & Harris
    rows the agreements under the best pipeline hypothesis)."""
    rows = []
    for basis in BASES:
        sub = card[card["basis"] == basis]
        finite = np.isfinite(np.asarray(sub["value"], float))
        dev = np.abs(np.asarray(sub["deviation"], float))
        under = [bool(x) for x in sub["agrees under it"] if x is not None]
        rows.append((basis, len(sub), int(finite.sum()), int(np.sum(sub["agrees"])),
                     float(np.nanmedian(dev)) if np.isfinite(dev).any() else float("nan"),
                     f"{sum(under)} of {len(under)}" if under else ""))
    out = Table(rows=rows, names=("basis", "rows", "computed", "agree", "median |deviation|",
                                  "agree under the best pipeline hypothesis"))
    out["median |deviation|"].info.format = ".1%"
    return out


def summary_markdown(card: Table) -> str:
    """``results/scorecard_summary.md``: the headline counts per basis as a Markdown table."""
    counts = headline_counts(card)
    lines = ["| basis | rows | computed | agree | median deviation | agree under the best EH16 pipeline hypothesis |",
             "|---|---|---|---|---|---|"]
    for r in counts:
        med = r["median |deviation|"]
        lines.append(f"| {r['basis']} | {r['rows']} | {r['computed']} | {r['agree']} | "
                     f"{'' if not np.isfinite(med) else f'{100 * med:.0f}%'} | {r['agree under the best pipeline hypothesis']} |")
    return "\n".join(lines) + "\n"


#: The published numbers the README's findings quote (paper short name, "label: quantity"), with what they show.
FINDINGS: tuple[tuple[str, str, str], ...] = (
    ("EH16", "XII: M125", "Scenario XII (all four parameters free), mass within 125 kpc [1e11 Msun]"),
    ("EH16", "I: M125", "Scenario I (the simplest), mass within 125 kpc [1e11 Msun]"),
    ("EH16", "W10 beta=0: M(<38.5)", "the Watkins et al. (2010) estimator, no sampler [1e11 Msun]"),
    ("EH16", "XII: beta", "the anisotropy of Scenario XII"),
    ("B22", "Jeans BHB: M(<52)", "Jeans mass at the last BHB bin [1e11 Msun]"),
    ("B22", "Jeans BHB: M200_1e12", "virial mass of the BHB Jeans NFW fit [1e12 Msun]"),
    ("B22", "Jeans KG: M200_1e12", "virial mass of the K-giant Jeans NFW fit [1e12 Msun]"),
)


def findings_markdown(card: Table) -> str:
    """``results/findings.md``: the rows of :data:`FINDINGS` as a Markdown table -- published, ours, its basis
    and, for Eadie & Harris, the value under the best pipeline hypothesis of notebook 05b."""
    rows = {(("EH16" if "Eadie" in str(r["paper"]) else "B22"), str(r["quantity"])): r for r in card}
    lines = ["| paper | number | published | ours | basis | under the best EH16 pipeline hypothesis |",
             "|---|---|---|---|---|---|"]
    for paper, quantity, what in FINDINGS:
        r = rows.get((paper, quantity))
        if r is None:
            continue
        under = r["reproduced under the best pipeline hypothesis"]
        under_text = "" if under is None or not np.isfinite(under) else (
            f"{under:.3g} ({'inside' if r['agrees under it'] else 'outside'} the published interval)")
        name = "Eadie & Harris (2016)" if paper == "EH16" else "Bird et al. (2022)"
        lines.append(f"| {name} | {what} | {r['published']} | {r['reproduced']} | {r['basis']} | {under_text} |")
    return "\n".join(lines) + "\n"


#: The generated blocks of README.md: marker name -> the file of results/ whose text goes between the markers.
README_BLOCKS: dict[str, str] = {"scorecard-summary": "scorecard_summary.md", "findings": "findings.md"}


def readme_markers(name: str) -> tuple[str, str]:
    """The begin and end markers of the generated README block ``name`` (:data:`README_BLOCKS`)."""
    return (f"<!-- {name}: generated from results/{README_BLOCKS[name]} by make reproduce -->", f"<!-- /{name} -->")


def readme_with_block(readme_text: str, name: str, content: str) -> str:
    """README text with the generated block ``name`` replaced by ``content`` (ValueError if its markers are
    missing)."""
    begin, end = readme_markers(name)
    try:
        head, rest = readme_text.split(begin, 1)
        _, tail = rest.split(end, 1)
    except ValueError:
        raise ValueError(f"README has no block '{begin}' ... '{end}'") from None
    return f"{head}{begin}\n{content.strip()}\n{end}{tail}"
