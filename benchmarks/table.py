"""Print a benchmark's figures as a dated Markdown table headed by the machine and the command."""

from __future__ import annotations

import os
import platform
import sys
import time

__all__ = ["Row", "print_table"]

Row = tuple[str, str]


def print_table(title: str, module: str, columns: tuple[str, str], rows: list[Row], notes: list[str]) -> None:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"# {title}, {time.strftime('%Y-%m-%d')}: {os.cpu_count()} cores, {mem:.0f} GiB, "
        f"Python {platform.python_version()}"
    )
    print(f"command: python -m {module} {' '.join(sys.argv[1:])}".rstrip())
    for note in notes:
        print(note)
    print()
    print(f"| {columns[0]} | {columns[1]} |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
