"""Write a synthetic culturekg project of N events, for benchmarks.

    python bench/generate.py --events N --out DIR --seed S [--reference data/reference]

The real countries, regions, conventions, topics and sectors are copied with their sources; all the
rest is made up (keys `syn-`, SYNTHETIC in every source and note) and written file by file, so memory
stays flat however many events are asked for. The same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth.common import MARK, dump_yaml, write_text  # noqa: E402
from synth.events import EventGenerator  # noqa: E402
from synth.reference import COPIED, ReferenceMissing, read_world, write_reference  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MANIFEST = "SYNTHETIC.json"
# Bump when the output for given arguments changes, so cached projects in bench/out are regenerated.
GENERATOR_VERSION = 5


def reference_digest(reference: Path) -> str:
    """Checksum of the real reference files a synthetic project copies or reads."""
    digest = hashlib.sha256()
    for path in sorted(p for p in reference.rglob("*") if p.is_file()):
        digest.update(path.relative_to(reference).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def manifest_for(events: int, seed: int, reference: Path) -> dict:
    return {"generator": "bench/generate.py", "version": GENERATOR_VERSION, "events": events, "seed": seed,
            "reference_sha256": reference_digest(reference), "note": f"{MARK} data for benchmarks; not facts"}


def _prepare(out: Path) -> None:
    """Refuse to write over anything that is not an earlier synthetic project, or into real data."""
    data = (REPO / "data").resolve()
    resolved = out.resolve()
    if resolved == data or data in resolved.parents:
        raise SystemExit(f"error: --out {out}: synthetic records must not be written under {data}")
    if out.exists():
        if not out.is_dir():
            raise SystemExit(f"error: --out {out}: exists and is not a folder")
        if any(out.iterdir()) and not (out / MANIFEST).is_file():
            raise SystemExit(f"error: --out {out}: folder is not empty and holds no {MANIFEST}; refusing to overwrite it")
        for stale in ("data", MANIFEST, ".culturekg"):
            target = out / stale
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate(events: int, out: Path, seed: int, reference: Path) -> dict:
    if events < 1:
        raise SystemExit("error: --events must be at least 1")
    missing = [n for n in COPIED if not (reference / n).is_file()]
    if missing:
        raise SystemExit(f"error: --reference {reference}: missing {', '.join(missing)}")
    _prepare(out)
    rng = random.Random(seed)
    try:
        world = read_world(reference)
        counts = write_reference(reference, out / "data", world, events, seed, rng)
    except ReferenceMissing as exc:
        raise SystemExit(f"error: {exc}") from exc
    folder = out / "data" / "records" / "events"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for record in EventGenerator(world, seed).events(rng, events):
        write_text(folder / f"{record['key']}.yaml", dump_yaml(record))
        written += 1
    counts["events"] = written
    manifest = manifest_for(events, seed, reference) | {"counts": counts}
    # Written last: a folder with a manifest is a finished project (run.py reuses it as a cache).
    write_text(out / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, required=True, help="number of event records")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write (never under data/)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--reference", type=Path, default=REPO / "data" / "reference",
                        help="real reference folder to copy countries, regions, conventions, topics, sectors from")
    args = parser.parse_args(argv)
    manifest = generate(args.events, args.out, args.seed, args.reference)
    print(json.dumps(manifest["counts"], sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
