"""Checks that no brand head word of any held-out generator is an engine word.

Each generator (`gen_heldout*.py`) writes brand phrases around invented head
nouns (`HEADS`) as hard negatives, and asserts when it runs that no word of
them is in the engine's rules or word lists (`split_gen.engine_words`): a
head the engine knows would test a list entry, not the rules. That assert
runs only with `make pii-eval` (the generators need Faker and
names-dataset); this script runs the same check with the standard library
alone, so `make test` catches an engine word added after a split was
written. The heads are read from each module's source (its `HEADS`
literal), never by importing it. A clash in a test split
(`split_gen.TEST_SPLITS`) is reported by count only.

Usage: `python3 experiments/pii/check_heads.py` (exit 1 on a clash).
"""
import ast
import glob
import os
import re
import sys

import split_gen

HERE = os.path.dirname(os.path.abspath(__file__))


def heads_of(path):
    """The `HEADS` literal of a generator's source, or None when it has none."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id == "HEADS" and node.value is not None:
            return ast.literal_eval(node.value)
    return None


def split_number(path):
    """The split number in a generator's file name (`gen_heldout12.py` -> 12)."""
    return int(re.search(r"(\d+)\.py$", path).group(1))


def main():
    known = split_gen.engine_words()
    paths = sorted(glob.glob(os.path.join(HERE, "gen_heldout*.py")), key=split_number)
    failed, heads = [], 0
    for path in paths:
        name = os.path.basename(path)[:-3]
        mine = heads_of(path)
        if mine is None:
            failed.append(f"{name}: no HEADS literal")
            continue
        heads += len(mine)
        clash = split_gen.head_clashes(mine, known)
        if clash:
            shown = f"{len(clash)} head(s)" if name in split_gen.TEST_SPLITS else ", ".join(clash)
            failed.append(f"{name}: engine words in brand heads: {shown}")
    for line in failed:
        print(line, file=sys.stderr)
    print(f"check-heads: {len(paths)} generators, {heads} brand heads, {len(known)} engine words, "
          f"{len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
