"""`dipsim training init DIR` and `training build --pack DIR`: a trainer's own pack folder,
made from the cards shipped in the package; nothing of the user's is ever overwritten."""

from __future__ import annotations

from pathlib import Path

from dipsim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_init_makes_a_built_pack_equal_to_the_repository_one(tmp_path, capsys):
    """The PDFs are tested in test_training_print.py; here the pack is built without them."""
    assert main(["training", "init", str(tmp_path / "pack"), "--no-pdf"]) == 0
    cards = len(list((ROOT / "training" / "cases").glob("*.yaml")))
    assert cards >= 26 and f"{cards} cards" in capsys.readouterr().out
    pack = tmp_path / "pack"
    made = sorted(str(p.relative_to(pack)) for p in pack.rglob("*") if p.is_file())
    repo = sorted(str(p.relative_to(ROOT / "training")) for p in (ROOT / "training").rglob("*")
                  if p.is_file() and p.suffix != ".pdf")  # the repository keeps no PDFs (.gitignore)
    assert made == repo
    assert all((pack / rel).read_bytes() == (ROOT / "training" / rel).read_bytes() for rel in made)
    assert not [p for p in tmp_path.rglob(".*")]          # no temporary file or folder left
    (pack / "cases" / "20-under-18.yaml").unlink()         # a trainer drops a card, then rebuilds
    assert main(["training", "build", "--pack", str(pack)]) == 0
    assert not (pack / "keys" / "20-under-18.json").exists()
    assert main(["training", "build", "--pack", str(pack), "--check"]) == 0


def test_init_never_overwrites_and_build_needs_a_pack_folder(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    assert main(["training", "init", str(mine)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an empty folder" in err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"] and (mine / "notes.txt").read_text() == "my notes"
    assert main(["training", "build", "--pack", str(mine)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a training pack folder" in err and "dipsim training init" in err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert main(["training", "init"]) == 2
    assert "needs the new pack folder" in capsys.readouterr().err
