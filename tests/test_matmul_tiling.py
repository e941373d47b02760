"""The matmul launcher's choice of tile and K split (kernels/launch_matmul.tiling) on a
132-SM GPU, checked against the rules its docstring states; no GPU needed."""
import itertools

import numpy as np
import pytest

from tf0.kernels import launch_matmul as M

SMS = 132


@pytest.fixture(autouse=True)
def gpu_with_132_sms(monkeypatch):
    monkeypatch.setattr(M, "sm_count", lambda: SMS)


def _blocks(m, n, batch, size):
    return -(-m // size) * -(-n // size) * batch


SIZES = (1, 7, 64, 100, 333, 1000, 4096)


@pytest.mark.parametrize("sharing", [1, 2, 8])
@pytest.mark.parametrize("suf,aligned", [("f32", True), ("f32", False), ("f64", False)])
def test_every_choice_is_a_valid_tile_and_split(suf, aligned, sharing):
    for m, n, k, batch in itertools.product(SIZES, SIZES, SIZES, (1, 8)):
        tile, splits = M.tiling(m, n, k, batch, suf, aligned, sharing)
        assert tile in M.TILES
        assert (tile in M.VECTOR_LOADS) <= (suf == "f32" and aligned)
        assert tile not in M.FLOAT32_ONLY or suf == "f32"
        # aligned float32 operands never take a tile whose variant with vector loads exists
        assert not (suf == "f32" and aligned and tile + "v" in M.TILES)
        assert splits == 1 or 1 < splits <= k // 64
        size = M.TILES[tile][0]
        if splits > 1:  # a split only where the unsplit blocks leave SMs idle, K long
            assert _blocks(m, n, batch, size) < SMS and k >= 256
        if tile.startswith("32x4"):  # only when the products running at once overfill the SMs
            assert splits == 1 and _blocks(m, n, batch, 32) * sharing > 2 * SMS
        # the splits set the order of the sums: the same for every stream count
        assert splits == M.tiling(m, n, k, batch, suf, aligned)[1]


def test_small_products_take_a_32_tile_and_large_ones_the_large():
    # the seed step's five products, alone (bench/profile_step.py measured these on an H200)
    for m, n, k in ((64, 100, 1000), (64, 1000, 100), (100, 1000, 64), (1000, 100, 64)):
        tile, splits = M.tiling(m, n, k, 1, "f32", True)
        assert tile == "32v" and M.tiling(m, n, k, 1, "f32", False) == ("32", splits)
        assert (splits > 1) == (2 * _blocks(m, n, 1, 32) < SMS and k >= 512)
    assert M.tiling(64, 100, 1000, 1, "f32", True) == ("32v", 15)  # slices of 64 or more
    assert M.tiling(4096, 4096, 4096, 1, "f32", True) == ("128v", 1)
    assert M.tiling(4096, 4096, 4096, 1, "f64", False) == ("64", 1)
    # 64-tile blocks filling half the SMs or more keep the 64 tile
    assert M.tiling(512, 1024, 64, 1, "f64", False)[0] == "64"


def test_products_sharing_the_gpu_take_the_32x4_tile_when_they_overfill_it():
    # bench/plans.py's 256^2 branches (64 blocks each): alone or two at once, the 32 tile;
    # eight at once (512 blocks, more than two per SM): the 32x4 tile (with vector loads)
    assert M.tiling(256, 256, 256, 1, "f32", True) == ("32v", 1)
    assert M.tiling(256, 256, 256, 1, "f32", True, sharing=2) == ("32v", 1)
    assert M.tiling(256, 256, 256, 1, "f32", True, sharing=8) == ("32x4v", 1)
    assert M.tiling(256, 256, 256, 1, "f32", False, sharing=8) == ("32x4", 1)
    # the 128^2 branches: 16 blocks each, 128 for eight at once, under two per SM
    assert M.tiling(128, 128, 128, 1, "f32", True, sharing=8) == ("32v", 1)
    # a split product keeps its tile and splits whatever runs beside it
    assert M.tiling(64, 100, 1000, 1, "f32", True, sharing=8) == ("32v", 15)
    # float64 has the 32 tile only
    assert M.tiling(256, 256, 256, 1, "f64", False, sharing=8) == ("32", 1)


def test_splits_are_slices_of_whole_k_steps_and_relu_follows_their_sum(monkeypatch):
    # 1000 in about 15 slices: slices of 64 (two 32-deep steps), so 16 of them; a fused
    # relu is applied by the kernel when unsplit, after the sum of the slices otherwise
    launches = []
    monkeypatch.setattr(M, "empty", lambda shape, dtype: ("empty", shape))
    monkeypatch.setattr(M, "reduce", lambda kind, x, axes: ("sum of", x))
    monkeypatch.setattr(M, "unary", lambda op, x, out: launches.append((op, x, out)) or out)
    monkeypatch.setattr(M.loader, "get", lambda family, name: lambda grid, block, args:
                        launches.append((family, name, grid, block, args[2], int(args[-2]),
                                         int(args[-1]))))
    a, b = np.zeros((64, 1000), np.float32), np.zeros((1000, 100), np.float32)
    M.gemm(a, b, 0, 0, False, False, (64, 100), "32", 15, relu=True)
    M.gemm(a, b, 0, 0, False, False, (64, 100), "32x4", 1, relu=True)
    M.gemm(a, b, 0, 0, False, False, (64, 100), "32", 1)
    slices, whole = ("empty", (16, 64, 100)), ("empty", (64, 100))
    assert launches == [
        ("matmul_32", "gemm_32_nn_f32", (4, 2, 16), (256,), slices, 64, 0),
        ("relu", ("sum of", slices), ("sum of", slices)),
        ("matmul_32x4", "gemm_32x4_nn_f32", (4, 2, 1), (64,), whole, 1000, 1),
        ("matmul_32", "gemm_32_nn_f32", (4, 2, 1), (256,), whole, 1000, 0)]
