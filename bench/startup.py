"""Start-up benchmark: ``dbmodel`` commands as whole processes, what ``import dbmodel_kit`` costs,
and ``dbmodel fds`` end to end beside Desbordante's HyFD as a process, in the same run.

    .venv/bin/python bench/startup.py [--runs 7] [--no-write]

Each command is run ``--runs`` times as a new process (after one warm-up run, so Python's bytecode
cache is written as an installed package has it; ``PYTHONDONTWRITEBYTECODE`` is removed for these
processes); the figures are medians of wall clock and of the process's CPU time (user + system,
children included, from ``os.wait4``). Which third-party libraries each command imports is listed
too (tests/test_startup.py fails when a light command brings pandas, DuckDB, Alembic or numpy back).

Desbordante (AGPL: a benchmark tool only, in ``bench/.env``, see bench/fds.py): a fresh process
that imports it, reads the CSV with pandas and runs HyFD, against ``dbmodel fds DATA.csv``.

Targets (issue 18): ``--version`` and ``--help`` <= 0.15 s; ``lint`` and ``ddl`` of
examples/ecommerce.yaml <= 0.5 s, as whole processes.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = ROOT / "bench" / ".env"
FD_DATA = Path(os.environ.get("DBMODEL_FD_DATASETS", "/work/shared/datasets/fd")) / "hepatitis.csv"
SHOP = "examples/ecommerce.yaml"
TARGETS = {"--version": 0.15, "--help": 0.15, f"lint {SHOP}": 0.5, f"ddl {SHOP}": 0.5}

COMMANDS = ["--version", "--help", f"lint {SHOP}", f"ddl {SHOP}", f"convert {SHOP} -o {{tmp}}/shop.dbml",
            f"erd {SHOP} -o {{tmp}}/shop.svg", f"diff {SHOP} examples/large.yaml"]
HYFD = r"""
import sys
import pandas as pd
import desbordante
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
algo = desbordante.fd.algorithms.HyFD()
algo.load_data(table=df)
algo.execute()
print(len(algo.get_fds()))
"""
IMPORTS = {
    "python -c pass": "pass",
    "import dbmodel_kit": "import dbmodel_kit",
    "from dbmodel_kit import Model (the model, sqlglot)": "from dbmodel_kit import Model",
    "import dbmodel_kit.ddl (+ SQLAlchemy)": "import dbmodel_kit.ddl",
    "import dbmodel_kit.migrate.emit (+ Alembic)": "import dbmodel_kit.migrate.emit",
}


def timed(argv: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median (wall, CPU) seconds of ``argv`` as a new process, after one warm-up run."""
    walls, cpus = [], []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)}: exit {proc.returncode}")
        if i:  # the first run writes the bytecode cache
            walls.append(wall)
            cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def libraries(argv: list[str], env: dict[str, str]) -> str:
    """The heavy third-party packages a command imports (run once more, in-process probe)."""
    probe = ("import sys, runpy\nsys.argv = ['dbmodel', *sys.argv[1:]]\n"
             "try:\n    from dbmodel_kit.cli import main\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "heavy = {'sqlglot', 'sqlalchemy', 'yaml', 'graphviz', 'pandas', 'duckdb', 'alembic', 'numpy'}\n"
             "print('heavy:', *sorted({m.split('.')[0] for m in sys.modules} & heavy), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, *argv], cwd=ROOT, env=env, capture_output=True, text=True)
    # the probe's own line (a command may print to stderr too: erd says what it wrote)
    found = [line.split(":", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("heavy:")]
    return found[-1] if found and found[-1] else "none"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    import tempfile

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    tmp = tempfile.mkdtemp()
    load0 = os.getloadavg()[0]
    rows = []
    for command in COMMANDS:
        words = command.format(tmp=tmp).split()
        wall, cpu = timed([str(BIN / "dbmodel"), *words], args.runs, env)
        target = TARGETS.get(command)
        verdict = "-" if target is None else f"<= {target} s: {'met' if cpu <= target else '**not met**'} (CPU)"
        shown = command.format(tmp="/tmp")
        rows.append(f"| `dbmodel {shown}` | {wall:.3f} | {cpu:.3f} | {libraries(words, env) or 'none'} | {verdict} |")
        print(rows[-1], flush=True)
    imports = []
    for label, code in IMPORTS.items():
        wall, cpu = timed([sys.executable, "-c", code], args.runs, env)
        imports.append(f"| {label} | {wall:.3f} | {cpu:.3f} |")
        print(imports[-1], flush=True)
    fds = []
    if FD_DATA.exists():
        wall, cpu = timed([str(BIN / "dbmodel"), "fds", str(FD_DATA)], args.runs, env)
        fds.append(f"| `dbmodel fds {FD_DATA.name}` | {wall:.3f} | {cpu:.3f} |")
        python = ENV / "bin" / "python"
        if python.exists():
            wall, cpu = timed([str(python), "-c", HYFD, str(FD_DATA)], args.runs, env)
            fds.append(f"| Desbordante HyFD process (import, pandas read_csv, HyFD) | {wall:.3f} | {cpu:.3f} |")
        else:
            fds.append("| Desbordante HyFD process | not run: bench/.env missing (python bench/fds.py creates it) | |")
        print("\n".join(fds), flush=True)
    load1 = os.getloadavg()[0]
    body = "\n".join([
        "## Start-up (`dbmodel` as a whole process)",
        "",
        "Each command is a new process (median of the runs after a warm-up that writes the bytecode cache); "
        "wall clock and the process's CPU time (user + system). The machine is shared, so wall clock is inflated "
        "by the other work; targets are judged on CPU time. `dbmodel` imports only the module of the command it "
        "runs (`--help` lists a static table), `import dbmodel_kit` loads the model on first use of a name, and "
        "each command imports the libraries it needs when it needs them.",
        "",
        "| command | wall s | CPU s | heavy libraries imported | target |",
        "| --- | ---: | ---: | --- | --- |",
        *rows,
        "",
        "What importing costs (a new process each):",
        "",
        "| import | wall s | CPU s |",
        "| --- | ---: | ---: |",
        *imports,
        "",
        "`dbmodel fds` end to end against Desbordante's HyFD as a process of its own, same data, same run:",
        "",
        "| process | wall s | CPU s |",
        "| --- | ---: | ---: |",
        *fds,
        "",
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{load0:.1f} before and {load1:.1f} after; {args.runs} runs each.",
        f"Command: `.venv/bin/python bench/startup.py --runs {args.runs}`",
    ])
    if not args.no_write:
        sys.path.insert(0, str(ROOT / "bench"))
        from _doc import write_section

        write_section("startup", body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
