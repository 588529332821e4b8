"""``python -m netsim.validate cleanup``: remove what killed lab runs left behind."""

from __future__ import annotations

import sys

from netsim.errors import NetsimError


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["cleanup"]:
        print("usage: python -m netsim.validate cleanup\n"
              "       python -m netsim.validate.compare SCENARIO -p PROTOCOL [--runs N] [--seeds N]", file=sys.stderr)
        return 2
    from netsim.validate.lab import cleanup_leftovers
    from netsim.validate.prereq import check_prerequisites

    try:
        check_prerequisites(("zebra",))
    except NetsimError as exc:
        print(f"netsim: error: {exc}", file=sys.stderr)
        return 2
    found = cleanup_leftovers()
    print(f"removed {len(found.namespaces)} namespaces, {len(found.pids)} processes, {len(found.dirs)} directories")
    for item in (*found.namespaces, *map(str, found.pids), *map(str, found.dirs)):
        print(f"  {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
