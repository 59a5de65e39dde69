import json

import pytest

from tests.cicd.conftest import load_script

cdn = load_script("cdn_invalidation")


def test_unchanged_manifest_invalidates_nothing():
    snap = {"paths": {"css/site.css": "css/site.1a2b.css"}, "fixed": {}}
    result = cdn.plan(snap, snap)
    assert result.paths == () and not result.wildcard


def test_original_whose_hash_changed_is_invalidated():
    old = {"paths": {"css/site.css": "css/site.1a2b.css", "js/up.js": "js/up.aaaa.js"}, "fixed": {}}
    new = {"paths": {"css/site.css": "css/site.9f9f.css", "js/up.js": "js/up.aaaa.js"}, "fixed": {}}
    assert cdn.plan(old, new).paths == ("/static/css/site.css",)


def test_hashed_names_new_files_and_removed_originals_are_not_invalidated():
    old = {"paths": {"a.css": "a.1111.css", "gone.js": "gone.2222.js"}, "fixed": {}}
    new = {"paths": {"a.css": "a.1111.css", "new.js": "new.3333.js"}, "fixed": {}}
    assert cdn.plan(old, new).paths == ()


def test_fixed_name_files_are_invalidated_when_their_digest_changes_or_they_disappear():
    old = {"paths": {}, "fixed": {"robots.txt": "aa", "favicon.ico": "bb", "same.txt": "cc", "old.txt": "dd"}}
    new = {
        "paths": {},
        "fixed": {"robots.txt": "zz", "favicon.ico": "bb", "same.txt": "cc", "added.txt": "ee"},
    }
    assert cdn.plan(old, new).paths == ("/static/old.txt", "/static/robots.txt")


def test_a_file_moving_between_manifest_and_fixed_names_is_invalidated():
    old = {"paths": {"a.css": "a.1.css"}, "fixed": {"b.txt": "x"}}
    new = {"paths": {"b.txt": "b.2.txt"}, "fixed": {"a.css": "y"}}
    assert cdn.plan(old, new).paths == ("/static/a.css", "/static/b.txt")


def test_past_the_cap_one_wildcard_replaces_the_paths():
    old = {"paths": {f"f{i}.css": f"f{i}.old.css" for i in range(5)}, "fixed": {}}
    new = {"paths": {f"f{i}.css": f"f{i}.new.css" for i in range(5)}, "fixed": {}}
    assert len(cdn.plan(old, new, max_paths=5).paths) == 5
    result = cdn.plan(old, new, max_paths=4)
    assert result.paths == ("/static/*",) and result.wildcard
    assert "exceed the cap of 4" in result.reason


def test_without_a_previous_snapshot_everything_under_the_prefix_is_invalidated():
    result = cdn.plan(None, {"paths": {"a.css": "a.1.css"}, "fixed": {}}, prefix="/assets/")
    assert result.paths == ("/assets/*",) and result.wildcard


def test_paths_are_url_encoded_and_a_star_in_a_name_is_not_a_wildcard():
    old = {"paths": {"img/my logo*.svg": "img/my logo*.1.svg", "ü.css": "ü.1.css"}, "fixed": {}}
    new = {"paths": {"img/my logo*.svg": "img/my logo*.2.svg", "ü.css": "ü.2.css"}, "fixed": {}}
    assert cdn.plan(old, new).paths == ("/static/img/my%20logo%2A.svg", "/static/%C3%BC.css")


@pytest.mark.parametrize("kwargs", [{"prefix": "static/"}, {"max_paths": 0}])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        cdn.plan({}, {}, **kwargs)


def write_collectstatic(root, version):
    """A collectstatic output: originals, hashed copies, the manifest, one fixed-name file."""
    (root / "css").mkdir(parents=True, exist_ok=True)
    css = f"body{{color:#{version}}}"
    (root / "css" / "site.css").write_text(css)
    (root / "css" / f"site.{version}.css").write_text(css)
    (root / "js").mkdir(exist_ok=True)
    (root / "js" / "up.js").write_text("up()")
    (root / "js" / "up.abcd.js").write_text("up()")
    (root / "robots.txt").write_text(f"# {version}")
    (root / "staticfiles.json").write_text(
        json.dumps(
            {
                "paths": {"css/site.css": f"css/site.{version}.css", "js/up.js": "js/up.abcd.js"},
                "version": "1.1",
                "hash": version,
            }
        )
    )


def test_snapshot_records_the_manifest_and_digests_of_fixed_name_files_only(tmp_path):
    write_collectstatic(tmp_path, "111")
    snap = cdn.snapshot(tmp_path)
    assert snap["paths"] == {"css/site.css": "css/site.111.css", "js/up.js": "js/up.abcd.js"}
    assert list(snap["fixed"]) == ["robots.txt"]
    assert len(snap["fixed"]["robots.txt"]) == 64


def test_snapshot_without_a_manifest_fails(tmp_path):
    with pytest.raises(SystemExit):
        cdn.snapshot(tmp_path)


def test_cli_writes_the_batch_of_changed_paths_between_two_deploys(tmp_path, capsys):
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    write_collectstatic(old_dir, "111")
    write_collectstatic(new_dir, "222")
    assert cdn.main(["snapshot", str(old_dir), "-o", str(tmp_path / "old.json")]) == 0
    assert cdn.main(["snapshot", str(new_dir), "-o", str(tmp_path / "new.json")]) == 0
    out = tmp_path / "batch.json"
    args = ["paths", "--previous", str(tmp_path / "old.json"), "--current", str(tmp_path / "new.json")]
    assert cdn.main([*args, "--batch-out", str(out), "--reference", "deploy-42"]) == 0
    assert capsys.readouterr().out.split() == ["/static/css/site.css", "/static/robots.txt"]
    assert json.loads(out.read_text()) == {
        "Paths": {"Quantity": 2, "Items": ["/static/css/site.css", "/static/robots.txt"]},
        "CallerReference": "deploy-42",
    }


def test_cli_writes_no_batch_when_nothing_changed(tmp_path):
    write_collectstatic(tmp_path / "s", "111")
    cdn.main(["snapshot", str(tmp_path / "s"), "-o", str(tmp_path / "snap.json")])
    out = tmp_path / "batch.json"
    out.write_text("stale")
    args = ["paths", "--previous", str(tmp_path / "snap.json"), "--current", str(tmp_path / "snap.json")]
    assert cdn.main([*args, "--batch-out", str(out)]) == 0
    assert not out.exists()


def test_cli_reads_a_django_manifest_and_a_missing_previous_means_wildcard(tmp_path, capsys):
    write_collectstatic(tmp_path / "s", "111")
    current = str(tmp_path / "s" / "staticfiles.json")
    assert cdn.main(["paths", "--previous", str(tmp_path / "absent.json"), "--current", current]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == ["/static/*"]
    assert "no previous snapshot" in captured.err
    (tmp_path / "empty.json").write_text("")
    cdn.main(["paths", "--previous", str(tmp_path / "empty.json"), "--current", current])
    assert capsys.readouterr().out.split() == ["/static/*"]
