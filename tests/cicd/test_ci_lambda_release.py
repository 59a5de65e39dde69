import pytest

from tests.cicd.conftest import load_script

release = load_script("ci_lambda_release")


class NotFound(Exception):
    pass


class FakeLambda:
    """The few Lambda calls the script makes, over an in-memory function."""

    class exceptions:  # noqa: N801 - mirrors boto3's client.exceptions
        ResourceNotFoundException = NotFound

    def __init__(self, versions=None, latest=None, exists=True):
        self.versions = dict(versions or {})  # version -> code sha
        self.latest = latest
        self.exists = exists
        self.uploaded = []
        self.waited = False

    def get_function_configuration(self, FunctionName):
        if not self.exists:
            raise NotFound(FunctionName)
        return {"CodeSha256": self.latest}

    def list_versions_by_function(self, FunctionName, Marker=None):
        items = [{"Version": "$LATEST", "CodeSha256": self.latest}] + [
            {"Version": v, "CodeSha256": sha} for v, sha in self.versions.items()
        ]
        # two pages, to exercise the marker
        if Marker is None:
            return {"Versions": items[:2], "NextMarker": "m"} if len(items) > 2 else {"Versions": items}
        return {"Versions": items[2:]}

    def get_function(self, FunctionName, Qualifier):
        return {
            "Configuration": {"CodeSha256": self.versions[Qualifier]},
            "Code": {"Location": f"https://x/{Qualifier}"},
        }

    def update_function_code(self, FunctionName, ZipFile, Publish):
        self.uploaded.append(ZipFile)
        sha = ZipFile.decode()
        self.latest = sha
        new = str(max(int(v) for v in self.versions) + 1)
        self.versions[new] = sha
        return {"CodeSha256": sha, "Version": new}

    def get_waiter(self, name):
        assert name == "function_updated_v2"
        fake = self

        class Waiter:
            def wait(self, FunctionName):
                fake.waited = True

        return Waiter()


def test_current_is_the_newest_published_version_with_latests_code():
    client = FakeLambda({"1": "a", "2": "b", "3": "c", "10": "b"}, latest="b")
    assert release.current_version(client, "fn") == "10"
    assert release.current_version(FakeLambda({"1": "a"}, latest="z"), "fn") is None


def test_previous_is_the_newest_older_version_with_other_code():
    client = FakeLambda({"1": "a", "2": "b", "3": "c", "4": "c"}, latest="c")
    assert release.previous_version(client, "fn") == "2"
    # after a rollback to 1's code (published again as 3), the one before it is 2
    client = FakeLambda({"1": "a", "2": "b", "3": "a"}, latest="a")
    assert release.previous_version(client, "fn") == "2"
    assert release.previous_version(FakeLambda({"1": "a"}, latest="a"), "fn") is None


def test_rollback_restores_the_code_of_the_version_and_waits():
    client = FakeLambda({"1": "old", "2": "new"}, latest="new")
    published = release.rollback(client, "fn", "1", download=lambda url: b"old")
    assert client.latest == "old" and client.waited and published == "3"


def test_rollback_checks_the_code_hash():
    client = FakeLambda({"1": "old", "2": "new"}, latest="new")
    with pytest.raises(SystemExit, match="not version 1"):
        release.rollback(client, "fn", "1", download=lambda url: b"tampered")


def test_rollback_to_the_live_code_does_nothing():
    client = FakeLambda({"1": "same"}, latest="same")
    assert release.rollback(client, "fn", "1", download=pytest.fail) == "1"
    assert client.uploaded == []


def test_rollback_needs_a_version_number():
    with pytest.raises(SystemExit):
        release.rollback(FakeLambda({"1": "a"}, latest="a"), "fn", "$LATEST")


def test_cli(capsys):
    assert release.main(["exists", "--function", "fn"], client=FakeLambda(exists=False)) == 0
    assert capsys.readouterr().out.strip() == "no"
    assert release.main(["current", "--function", "fn"], client=FakeLambda(exists=False)) == 0
    assert capsys.readouterr().out.strip() == "none"
    client = FakeLambda({"4": "x", "5": "y"}, latest="y")
    assert release.main(["exists", "--function", "fn"], client=client) == 0
    assert release.main(["current", "--function", "fn"], client=client) == 0
    assert capsys.readouterr().out.split() == ["yes", "5"]
    assert release.main(["previous", "--function", "fn"], client=client) == 0
    assert capsys.readouterr().out.strip() == "4"
    with pytest.raises(SystemExit):
        release.main(["rollback", "--function", "fn"], client=client)
