"""Run benchmarks: `python -m tests.bench [name ...] [--n N]`.

Every module of this package that defines `BENCH` (its name), `DEFAULT_N` and
`run(*, n: int) -> dict` is a benchmark. Each prints one JSON line on standard output (the format
is in ../shared/BENCH.md); progress goes to standard error. Without names, all of them run.
A module that measures several things (`checkout`: `checkout_race` and `checkout_mixed`) lists
them in `PARTS`, takes `run(*, n, parts)` and returns one dict per part; each part can also be
named on its own.
Benchmarks build their own PostgreSQL database from DATABASE_URL's server and drop it after.
"""

import argparse
import importlib
import json
import os
import pkgutil
import sys
from types import ModuleType


def _benchmarks() -> dict[str, ModuleType]:
    package = importlib.import_module("tests.bench")
    found = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"tests.bench.{module_info.name}")
        if hasattr(module, "BENCH") and hasattr(module, "run"):
            found[module.BENCH] = module
            found.update(dict.fromkeys(getattr(module, "PARTS", ()), module))
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--n", type=int, default=None, help="dataset size (default: per bench)")
    arguments = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    benchmarks = _benchmarks()
    unknown = [name for name in arguments.names if name not in benchmarks]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(benchmarks)}")
    everything = sorted(name for name, module in benchmarks.items() if name == module.BENCH)
    for name in arguments.names or everything:
        module = benchmarks[name]
        options = {"parts": (name,)} if name in getattr(module, "PARTS", ()) else {}
        result = module.run(n=arguments.n or module.DEFAULT_N, **options)
        for line in result if isinstance(result, list) else [result]:
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
