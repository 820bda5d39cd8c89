import shutil
import sys
import tempfile
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
CLI = [sys.executable, "-m", "app.cli"]


@pytest.fixture
def scene_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("scenes")
    shutil.copy(DATA / "cube.scn", directory / "cube.scn")
    yield directory
    shutil.rmtree(directory)


@pytest.fixture
def output_dir():
    directory = Path(tempfile.mkdtemp(prefix="render-out-"))
    yield directory
    shutil.rmtree(directory)  # error: TDL001


@pytest.fixture
def tile_dir(tmp_path):
    directory = tmp_path / "tiles"
    directory.mkdir()
    yield directory
    shutil.rmtree(directory)  # error: TDL001
