"""Discovery at scale: a 50,000-file repository is walked with exact counts (its speed is measured in
benchmarks/, not asserted here)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from archtools.source import load_repository

BODY = b"import { db } from '@/lib/db'\nexport async function GET() { return db.user.findMany() }\n"
EXTENSIONS = (".ts", ".tsx", ".js", ".css", ".md", ".tmp.ts", ".svg", ".ts", ".tsx", ".json")


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A directory on tmpfs when there is one (creating 50,000 files on disk is slow), and the
    number of top-level folders to create there (50 on tmpfs, 10 on disk)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm) as name:
            yield Path(name), 50
    else:
        yield tmp_path, 10


def test_fifty_thousand_files_are_counted_exactly(scratch: tuple[Path, int]) -> None:
    base, modules = scratch
    root = base / "big"
    root.mkdir()
    (root / "package.json").write_bytes(b'{"dependencies": {"next": "15.0.0"}}')
    (root / ".gitignore").write_bytes(b"node_modules\n.next\n*.log\n/dist\ncoverage/\n*.tmp.ts\n")
    flags = os.O_WRONLY | os.O_CREAT
    for a in range(modules):
        for b in range(50):
            directory = f"{root}/src/m{a}/s{b}"
            os.makedirs(directory)
            for c in range(20):
                fd = os.open(f"{directory}/f{c}{EXTENSIONS[c % len(EXTENSIONS)]}", flags, 0o644)
                os.write(fd, BODY)
                os.close(fd)
    folders = modules * 50
    repo = load_repository(root)
    assert len(repo.files) == 1 + folders * 12
    assert repo.skipped_counts == {"gitignored": folders * 2}
    assert len(repo.skipped) == 1000
    assert repo.files[0].path == "package.json"
    assert repo.files[1].path == "src/m0/s0/f0.ts"
