"""Small tables in the exact published layouts of WIOD 2016, the OECD ICIO 2021 and 2023
editions and the ADB MRIO tables, for the tests of their readers.

A :class:`World` is a few economies with the full industry list of a release: intermediate
flows ``Z``, final demand ``F`` and gross output ``x = Z 1 + F 1``, with value-added rows
that close every column (column total of ``Z`` plus value added = ``x``). The writers lay
it out as the publisher does, header rows, bottom rows, split economies, tax rows and total
columns included, so that reading a file back must give the world's table.

Run as a script to rewrite the committed workbook ``fixtures/WIOT2014_Nov16_ROW.xlsb`` (an
Excel binary workbook, written with pyxlsbwriter, which the tests do not need):
``.venv/bin/python tests/io/generate_releases.py``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from servmodel.io import IOTable
from servmodel.io.adb import ADB_FINAL, ADB_INDUSTRIES
from servmodel.io.icio import ICIO_FINAL, ICIO_INDUSTRIES
from servmodel.io.wiod2016 import WIOD2016_FINAL, WIOD2016_INDUSTRIES

FIXTURES = Path(__file__).parent / "fixtures"
XLSB_FIXTURE = FIXTURES / "WIOT2014_Nov16_ROW.xlsb"
XLSB_WORLD = {"economies": ("KOR", "ROW"), "year": 2014, "seed": 2016}

WIOD2016_DESCRIPTIONS = (
    "Crop and animal production, hunting and related service activities",
    "Forestry and logging", "Fishing and aquaculture", "Mining and quarrying",
    "Manufacture of food products, beverages and tobacco products",
    "Manufacture of textiles, wearing apparel and leather products",
    "Manufacture of wood and of products of wood and cork, except furniture; manufacture of "
    "articles of straw and plaiting materials",
    "Manufacture of paper and paper products", "Printing and reproduction of recorded media",
    # the release's descriptions of C19, C20 and E37-E39 end in a blank
    "Manufacture of coke and refined petroleum products ",
    "Manufacture of chemicals and chemical products ",
    "Manufacture of basic pharmaceutical products and pharmaceutical preparations",
    "Manufacture of rubber and plastic products",
    "Manufacture of other non-metallic mineral products", "Manufacture of basic metals",
    "Manufacture of fabricated metal products, except machinery and equipment",
    "Manufacture of computer, electronic and optical products",
    "Manufacture of electrical equipment", "Manufacture of machinery and equipment n.e.c.",
    "Manufacture of motor vehicles, trailers and semi-trailers",
    "Manufacture of other transport equipment", "Manufacture of furniture; other manufacturing",
    "Repair and installation of machinery and equipment",
    "Electricity, gas, steam and air conditioning supply",
    "Water collection, treatment and supply",
    "Sewerage; waste collection, treatment and disposal activities; materials recovery; "
    "remediation activities and other waste management services ",
    "Construction",
    "Wholesale and retail trade and repair of motor vehicles and motorcycles",
    "Wholesale trade, except of motor vehicles and motorcycles",
    "Retail trade, except of motor vehicles and motorcycles",
    "Land transport and transport via pipelines", "Water transport", "Air transport",
    "Warehousing and support activities for transportation", "Postal and courier activities",
    "Accommodation and food service activities", "Publishing activities",
    "Motion picture, video and television programme production, sound recording and music "
    "publishing activities; programming and broadcasting activities",
    "Telecommunications",
    "Computer programming, consultancy and related activities; information service "
    "activities",
    "Financial service activities, except insurance and pension funding",
    "Insurance, reinsurance and pension funding, except compulsory social security",
    "Activities auxiliary to financial services and insurance activities",
    "Real estate activities",
    "Legal and accounting activities; activities of head offices; management consultancy "
    "activities",
    "Architectural and engineering activities; technical testing and analysis",
    "Scientific research and development", "Advertising and market research",
    "Other professional, scientific and technical activities; veterinary activities",
    "Administrative and support service activities",
    "Public administration and defence; compulsory social security", "Education",
    "Human health and social work activities", "Other service activities",
    "Activities of households as employers; undifferentiated goods- and services-producing "
    "activities of households for own use",
    "Activities of extraterritorial organizations and bodies",
)
WIOD2016_FINAL_DESCRIPTIONS = (
    "Final consumption expenditure by households",
    "Final consumption expenditure by non-profit organisations serving households (NPISH)",
    "Final consumption expenditure by government", "Gross fixed capital formation",
    "Changes in inventories and valuables",
)
WIOD2016_BOTTOM = (
    ("II_fob", "Total intermediate consumption", 65),
    ("TXSP", "taxes less subsidies on products", 66),
    ("EXP_adj", "Cif/ fob adjustments on exports", 67),
    ("PURR", "Direct purchases abroad by residents", 68),
    ("PURNR", "Purchases on the domestic territory by non-residents ", 69),
    ("VA", "Value added at basic prices", 70),
    ("IntTTM", "International Transport Margins", 71),
    ("GO", "Output at basic prices", 73),
)
ADB_BOTTOM = (
    ("r60", "Total intermediate consumption"), ("r99", "Taxes less subsidies on products"),
    ("r61", "Cif/ fob adjustments on exports"), ("r62", "Direct purchases abroad by residents"),
    ("r63", "Purchases on the domestic territory by non-residents"),
    ("r64", "Value added at basic prices"), ("trs", "International Transport Margins"),
    ("r69", "TOTAL"),
)


@dataclass
class World:
    """A small world table: the truth a written file must read back as."""

    economies: tuple[str, ...]
    industries: tuple[str, ...]
    final: tuple[str, ...]
    year: int
    Z: np.ndarray
    F: np.ndarray
    x: np.ndarray
    value_added: np.ndarray  # (gross output - intermediate inputs) of each column
    rng: np.random.Generator

    @property
    def n(self) -> int:
        return len(self.economies) * len(self.industries)

    def table(self, source: str = "generated", countries: Sequence[str] | None = None
              ) -> IOTable:
        """The table a reader must return (``countries`` relabels the economies)."""
        return IOTable(Z=self.Z, F=self.F, x=self.x,
                       countries=tuple(countries or self.economies),
                       industries=self.industries, final_categories=self.final,
                       year=self.year, source=source)

    def split_value_added(self, k: int, zero: Sequence[int] = ()) -> np.ndarray:
        """Value added of every column in ``k`` rows (shares drawn; the rows in ``zero``
        empty), summing to it exactly up to rounding: the last row takes the rest."""
        shares = self.rng.dirichlet(np.ones(k), size=self.n).T
        shares[list(zero)] = 0.0
        rows = shares * self.value_added
        rows[-1] = self.value_added - rows[:-1].sum(axis=0)
        return rows


def make_world(economies: Sequence[str], industries: Sequence[str], final: Sequence[str],
               year: int, seed: int) -> World:
    """A balanced world: dense non-negative flows (a tenth of them zero), final demand about
    one and a half times intermediate sales, inventory changes of either sign, and the last
    industry of the first economy with no output at all (such rows occur in the releases)."""
    rng = np.random.default_rng(seed)
    g, ni, nf = len(economies), len(industries), len(final)
    n = g * ni
    Z = rng.gamma(0.7, 10.0, size=(n, n)) * (rng.random((n, n)) > 0.1)
    F = rng.gamma(1.0, 1.5 * Z.sum(axis=1).mean() / (g * nf), size=(n, g * nf))
    F[:, nf - 1::nf] = rng.normal(0.0, 2.0, size=(n, g))  # inventories, either sign
    # twelve significant digits: every writer's text form of a value reads back as the
    # same double (openpyxl writes sixteen, which is not always enough for any double)
    Z, F = _digits(Z), _digits(F)
    dead = ni - 1
    Z[dead] = 0.0
    Z[:, dead] = 0.0
    F[dead] = 0.0
    x = Z.sum(axis=1) + F.sum(axis=1)
    value_added = x - Z.sum(axis=0)
    assert (value_added >= 0).all(), "the generator must draw a table with value added >= 0"
    return World(tuple(economies), tuple(industries), tuple(final), year, Z, F, x,
                  value_added, rng)


def _digits(a: np.ndarray, digits: int = 12) -> np.ndarray:
    """``a`` with every value rounded to ``digits`` significant digits."""
    return np.array([float(f"{v:.{digits}g}") for v in a.ravel()]).reshape(a.shape)


# ---------------------------------------------------------------------------- WIOD 2016

def wiod2016_world(economies: Sequence[str] = ("AUS", "KOR", "ROW"), year: int = 2014,
                   seed: int = 2016) -> World:
    """A world with the 56 industries and five final-use categories of WIOD 2016."""
    return make_world(economies, WIOD2016_INDUSTRIES, WIOD2016_FINAL, year, seed)


def _wiod2016_blocks(w: World) -> tuple[list[list[object]], list[list[object]]]:
    """The country-industry rows and the eight bottom rows: labels, then values."""
    g, nf = len(w.economies), len(w.final)
    total = w.x
    rows: list[list[object]] = []
    for e, country in enumerate(w.economies):
        for i, (code, desc) in enumerate(zip(w.industries, WIOD2016_DESCRIPTIONS, strict=True)):
            k = e * len(w.industries) + i
            rows.append([code, desc, country, i + 1,
                         *w.Z[k].tolist(), *w.F[k].tolist(), float(total[k])])
    # TXSP, EXP_adj, PURR, PURNR, VA, IntTTM (EXP_adj, PURR and PURNR empty, as mostly in
    # the release)
    va = w.split_value_added(6, zero=(1, 2, 3))
    fd_taxes = w.rng.gamma(1.0, 5.0, size=g * nf)
    bottom_values = {
        "II_fob": np.concatenate([w.Z.sum(axis=0), w.F.sum(axis=0)]),
        "TXSP": np.concatenate([va[0], fd_taxes]),
        "EXP_adj": np.zeros(w.n + g * nf), "PURR": np.zeros(w.n + g * nf),
        "PURNR": np.zeros(w.n + g * nf),
        "VA": np.concatenate([va[4], np.zeros(g * nf)]),
        "IntTTM": np.concatenate([va[5], np.zeros(g * nf)]),
        "GO": np.concatenate([w.x, np.zeros(g * nf)]),
    }
    bottom: list[list[object]] = []
    for code, desc, number in WIOD2016_BOTTOM:
        v = bottom_values[code]
        bottom.append([code, desc, "TOT", number, *v.tolist(), float(v[:w.n].sum())])
    return rows, bottom


def wiod2016_sheet(w: World) -> list[list[object]]:
    """The workbook's sheet, cell by cell, as the release lays it out."""
    g = len(w.economies)
    codes = [*w.industries * g, *w.final * g, "GO"]
    descs = [*WIOD2016_DESCRIPTIONS * g, *WIOD2016_FINAL_DESCRIPTIONS * g, "Total output"]
    countries = [*(c for c in w.economies for _ in w.industries),
                 *(c for c in w.economies for _ in w.final), "TOT"]
    numbers = [*[f"c{k}" for k in range(1, 57)] * g, *[f"c{k}" for k in range(57, 62)] * g,
               "c62"]
    width = 4 + len(codes)
    sheet: list[list[object]] = [
        ["Intercountry Input-Output Table", *[None] * (width - 1)],
        [f"{g - 1} countries, in current prices", *[None] * (width - 1)],
        ["(industry-by-industry)", None, None, None, *codes],
        ["(millions of US$)", None, None, None, *descs],
        [None, None, None, None, *countries],
        [None, None, None, None, *numbers],
    ]
    rows, bottom = _wiod2016_blocks(w)
    for r in [*rows, *bottom]:
        sheet.append([r[0], r[1], r[2], f"r{r[3]}", *r[4:]])
    return sheet


def write_wiod2016_xlsx(w: World, path: Path) -> Path:
    """The workbook as ``.xlsx`` (the same sheet as the release's ``.xlsb``)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(w.year))
    for row in wiod2016_sheet(w):
        sheet.append(row)
    book.save(path)
    return path


def write_wiod2016_xlsb(w: World, path: Path) -> Path:
    """The workbook as ``.xlsb``, written with pyxlsbwriter (a writer of Excel binary
    workbooks that the tests themselves do not need)."""
    from pyxlsbwriter import XlsbWriter

    with XlsbWriter(str(path), compressionLevel=9) as writer:
        writer.add_sheet(str(w.year))
        writer.write_sheet(wiod2016_sheet(w))
    return path


def wiod2016_frame(w: World) -> pd.DataFrame:
    """The R data frame ``wiot`` as the release stores it."""
    rows, bottom = _wiod2016_blocks(w)
    g = len(w.economies)
    value_cols = [*(f"{c}{k}" for c in w.economies for k in range(1, 57)),
                  *(f"{c}{k}" for c in w.economies for k in range(57, 62)), "TOT"]
    assert len(value_cols) == w.n + 5 * g + 1
    records = [[r[0], r[1], r[2], float(r[3]), float(w.year), *r[4:]] for r in [*rows, *bottom]]
    return pd.DataFrame(records, columns=["IndustryCode", "IndustryDescription", "Country",
                                          "RNr", "Year", *value_cols])


def write_wiod2016_rdata(w: World, path: Path) -> Path:
    """``WIOT{year}_October16_ROW.RData``: one data frame, ``wiot``."""
    import pyreadr

    pyreadr.write_rdata(str(path), wiod2016_frame(w), df_name="wiot")
    return path


# ---------------------------------------------------------------------------- OECD ICIO

ICIO_SPLITS = {"MEX": ("MX1", "MX2"), "CHN": ("CN1", "CN2")}


def icio_world(edition: str, economies: Sequence[str] = ("KOR", "MEX", "CHN", "USA", "ROW"),
               year: int = 2015, seed: int = 2021) -> World:
    """A world with the 45 industries of an ICIO edition and its six final-demand
    categories."""
    return make_world(economies, ICIO_INDUSTRIES[edition], ICIO_FINAL, year, seed)


def icio_frame(w: World, edition: str, splits: bool = True) -> pd.DataFrame:
    """The CSV file as a frame: row labels as index, column labels as columns.

    With ``splits``, Mexico's and China's rows and columns are cut into three parts (a share
    stays with ``MEX``/``CHN``, the rest goes to ``MX1``, ``MX2``/``CN1``, ``CN2``, listed
    after ``ROW``), with the final demand of the split rows in their economy's columns and
    their own value-added, output and total cells, as the OECD files have them.
    """
    ni, g, nf = len(w.industries), len(w.economies), len(w.final)
    blocks: list[tuple[str, int, float, float]] = [(e, k, 1.0, 1.0)
                                                   for k, e in enumerate(w.economies)]
    if splits:
        main = []
        extra = []
        for economy, k, _, _ in blocks:
            if economy in ICIO_SPLITS:
                row_shares = [0.2, 0.5, 0.3]
                col_shares = [0.1, 0.6, 0.3]
                main.append((economy, k, row_shares[0], col_shares[0]))
                for s, name in enumerate(ICIO_SPLITS[economy], start=1):
                    extra.append((name, k, row_shares[s], col_shares[s]))
            else:
                main.append((economy, k, 1.0, 1.0))
        blocks = main + extra
    sl = [slice(k * ni, (k + 1) * ni) for _, k, _, _ in blocks]
    n_file = len(blocks) * ni
    Z = np.empty((n_file, n_file))
    F = np.empty((n_file, g * nf))
    total = np.empty(n_file)
    output = np.empty(n_file)
    for b, (_, _, rs, _) in enumerate(blocks):
        rows = slice(b * ni, (b + 1) * ni)
        F[rows] = w.F[sl[b]] * rs
        total[rows] = w.x[sl[b]] * rs
        for c, (_, _, _, cs) in enumerate(blocks):
            Z[rows, c * ni:(c + 1) * ni] = w.Z[sl[b], sl[c]] * rs * cs
    va_cols = np.empty(n_file)
    for c, (_, _, _, cs) in enumerate(blocks):
        output[c * ni:(c + 1) * ni] = w.x[sl[c]] * cs
        va_cols[c * ni:(c + 1) * ni] = w.value_added[sl[c]] * cs
    labels = [f"{e}_{i}" for e, _, _, _ in blocks for i in w.industries]
    fd_labels = [f"{e}_{f}" for e in w.economies for f in w.final]
    if edition == "icio2021":
        taxes = w.rng.dirichlet(np.ones(g), size=n_file).T * (0.1 * va_cols)
        bottom_labels = [*(f"{e}_TAXSUB" for e in w.economies), "VALU", "OUTPUT"]
        bottom_z = np.vstack([taxes, va_cols - taxes.sum(axis=0), output])
        total_label = "TOTAL"
    else:
        tls = 0.1 * va_cols
        bottom_labels = ["TLS", "VA", "OUT"]
        bottom_z = np.vstack([tls, va_cols - tls, output])
        total_label = "OUT"
    fd_taxes = np.zeros((len(bottom_labels), g * nf))
    fd_taxes[0] = w.rng.gamma(1.0, 5.0, size=g * nf)
    top = np.hstack([Z, F, total[:, None]])
    bottom = np.hstack([bottom_z, fd_taxes, bottom_z.sum(axis=1, keepdims=True)])
    frame = pd.DataFrame(np.vstack([top, bottom]), index=[*labels, *bottom_labels],
                         columns=[*labels, *fd_labels, total_label])
    return frame


def write_icio(w: World, path: Path, edition: str, splits: bool = True,
               frame: pd.DataFrame | None = None) -> Path:
    """The CSV file of an ICIO edition (labels in the first column, every value written
    with the digits that read back as the same double)."""
    frame = icio_frame(w, edition, splits) if frame is None else frame
    write_labelled_csv(frame, path, corner="V1" if edition == "icio2023" else "")
    return path


def write_labelled_csv(frame: pd.DataFrame, path: Path, corner: str = "") -> None:
    """A frame with row labels as CSV, fast enough for tables of the real size."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    with open(path, "w", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_MINIMAL).writerow([corner, *frame.columns])
    values = frame.to_numpy()
    columns = [pa.array(frame.index.astype(str).tolist())]
    columns += [pa.array(values[:, k]) for k in range(values.shape[1])]
    table = pa.table(columns, names=[f"c{k}" for k in range(len(columns))])
    with open(path, "ab") as handle:
        pa_csv.write_csv(table, handle, write_options=pa_csv.WriteOptions(include_header=False))


# ---------------------------------------------------------------------------- ADB MRIO

ADB_ECONOMIES = ("AUS", "PRC", "TAP", "KOR", "RoW")
ADB_ISO3 = ("AUS", "CHN", "TWN", "KOR", "RoW")


def adb_world(economies: Sequence[str] = ADB_ECONOMIES, year: int = 2022,
              seed: int = 2022) -> World:
    """A world with ADB's 35 industries (WIOD 2013's) and five final-demand categories."""
    return make_world(economies, ADB_INDUSTRIES, ADB_FINAL, year, seed)


def adb_sheet(w: World) -> list[list[object]]:
    """The table sheet as the ADB lays it out; zero cells of final demand and of the empty
    bottom rows are stored as a single space, as in the release."""
    from servmodel.intensity import wiod_classification

    names = wiod_classification().names
    g = len(w.economies)
    fd_names = ["Household final consumption", "Non-profit institutions serving households",
                "Government final consumption", "Gross fixed capital formation",
                "Changes in inventories and valuables"]
    ncols = w.n + g * len(w.final) + 1
    width = 4 + ncols
    sheet: list[list[object]] = [
        [f"Multiregional Input-Output Table {w.year}", *[None] * (width - 1)],
        [f"{g} economies, at current prices (industry by industry)", *[None] * (width - 1)],
        ["In millions of US$", *[None] * (width - 1)],
        [None] * 4 + [f"{k:04d}" for k in range(1, ncols + 1)],
        [None] * 4 + [*[names[i] for i in w.industries] * g, *fd_names * g, "Total"],
        [None] * 4 + [*(e for e in w.economies for _ in w.industries),
                      *(e for e in w.economies for _ in w.final), "ToT"],
        [None] * 4 + [*w.industries * g, *w.final * g, None],
    ]
    F = w.F.astype(object)
    F[w.F == 0] = " "
    for e, economy in enumerate(w.economies):
        for i, code in enumerate(w.industries):
            k = e * len(w.industries) + i
            sheet.append([None, names[code], economy, code, *w.Z[k].tolist(), *F[k].tolist(),
                          float(w.x[k])])
    va = w.split_value_added(6, zero=(1, 2, 3))  # r99, r61 ... r64, trs
    rows = {"r60": w.Z.sum(axis=0), "r99": va[0], "r61": va[1], "r62": va[2], "r63": va[3],
            "r64": va[4], "trs": va[5], "r69": w.x}
    for code, label in ADB_BOTTOM:
        v = rows[code].astype(object)
        if code in ("r61", "r62", "r63"):
            v[:] = " "
        sheet.append([None, label, "ToT", code, *v.tolist(), *[" "] * (g * len(w.final)),
                      None])
    sheet.append([None, "$ = United States dollar; cif = cost, insurance and freight; fob = "
                  "free on board.", *[None] * (width - 2)])
    return sheet


def write_adb(w: World, path: Path, sheet: list[list[object]] | None = None) -> Path:
    """The workbook: a legend sheet, then the table sheet ``ADB MRIO {year}``."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    legend = book.create_sheet("Legend")
    legend.append(["Code", "Economy"])
    for e in w.economies:
        legend.append([e, e])
    table = book.create_sheet(f"ADB MRIO {w.year}")
    for row in adb_sheet(w) if sheet is None else sheet:
        table.append(row)
    book.save(path)
    return path


def write_sheet_xlsx(rows: list[list[object]], path: Path, name: str = "Sheet1") -> Path:
    """Any sheet, cell by cell, as ``.xlsx`` (for edited copies in the bad-input tests)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(name)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


if __name__ == "__main__":  # rewrite the committed .xlsb fixture
    FIXTURES.mkdir(exist_ok=True)
    world = wiod2016_world(**XLSB_WORLD)
    write_wiod2016_xlsb(world, XLSB_FIXTURE)
    print(f"wrote {XLSB_FIXTURE} ({XLSB_FIXTURE.stat().st_size:,} bytes)")
