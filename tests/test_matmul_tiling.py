"""The matmul launcher's choice of tile and K split (kernels/launch_matmul.tiling) on a
132-SM GPU, checked against the rules its docstring states; no GPU needed."""
import itertools

import pytest

from tf0.kernels import launch_matmul as M

SMS = 132


@pytest.fixture(autouse=True)
def gpu_with_132_sms(monkeypatch):
    monkeypatch.setattr(M, "sm_count", lambda: SMS)


def _blocks(m, n, batch, size):
    return -(-m // size) * -(-n // size) * batch


SIZES = (1, 7, 64, 100, 333, 1000, 4096)


@pytest.mark.parametrize("suf,aligned", [("f32", True), ("f32", False), ("f64", False)])
def test_every_choice_is_a_valid_tile_and_split(suf, aligned):
    for m, n, k, batch in itertools.product(SIZES, SIZES, SIZES, (1, 8)):
        tile, splits = M.tiling(m, n, k, batch, suf, aligned)
        assert tile in M.TILES
        assert tile != "128v" or (suf == "f32" and aligned)
        assert splits == 1 or 1 < splits <= -(-k // 128)
        size = M.TILES[tile]
        if splits > 1:  # a split only where the unsplit blocks leave SMs idle, K long
            assert _blocks(m, n, batch, size) < SMS and k >= 256


def test_small_products_take_the_small_tile_and_large_ones_the_large():
    # the seed step's five products (bench/profile_step.py measured these on an H200)
    for m, n, k in ((64, 100, 1000), (64, 1000, 100), (100, 1000, 64), (1000, 100, 64)):
        tile, splits = M.tiling(m, n, k, 1, "f32", True)
        assert tile == "32"
        blocks = _blocks(m, n, 1, 32)
        assert (splits > 1) == (2 * blocks < SMS and k >= 512)
    assert M.tiling(4096, 4096, 4096, 1, "f32", True) == ("128v", 1)
    assert M.tiling(4096, 4096, 4096, 1, "f64", False) == ("64", 1)
    # 64-tile blocks filling half the SMs or more keep the 64 tile
    assert M.tiling(512, 1024, 64, 1, "f64", False)[0] == "64"
    # the branches of bench/plans.py (on parallel streams): no split at K = 256
    assert M.tiling(256, 256, 256, 1, "f32", True) == ("32", 1)
    assert M.tiling(64, 100, 1000, 1, "f32", True) == ("32", 8)
